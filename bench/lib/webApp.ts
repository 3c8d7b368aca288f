/**
 * The web app every rollout benchmark deploys, the same under berth, `docker run` and
 * compose: busybox httpd whose CGI `/cgi-bin/v` answers its version after `delayMs`, so
 * requests are in flight whenever a container is stopped. On SIGTERM the shell (PID 1)
 * exits at once, as a naive app does: only a drain before the signal saves those requests.
 */

export const APP_PORT = 8080;
export const APP_PATH = '/cgi-bin/v';

/** `sh -c` script serving `version` on APP_PORT. */
export function serveScript(version: string, delayMs: number): string {
  // CGI output needs CRLF after the header; printf turns the escaped \r\n into bytes.
  const cgi = ['#!/bin/sh', `sleep ${(delayMs / 1000).toFixed(3)}`, 'printf "Content-Type: text/plain\\r\\n\\r\\n"', `echo ${version}`]
    .map((l) => `'${l}'`)
    .join(' ');
  const setup = `mkdir -p /www/cgi-bin; echo ${version} > /www/index.html; printf '%s\\n' ${cgi} > /www/cgi-bin/v; chmod +x /www/cgi-bin/v`;
  return `${setup}; trap 'exit 0' TERM; httpd -f -p ${APP_PORT} -h /www & wait`;
}

/** The command of a version that crashes at start (a bad commit). */
export const CRASH_SCRIPT = 'echo bad build; exit 3';
