/** The API token of `--api-token-file` (server) and `--token-file` (clients): the file's first line. */
import { readFile } from 'node:fs/promises';
import { BerthError } from '../util';

/** Tokens shorter than this are refused: a guessable token is no token. */
const MIN_TOKEN = 16;

export async function readApiToken(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BerthError(
      'E_USAGE',
      `cannot read the API token file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'e.g. head -c 32 /dev/urandom | base64 > token && chmod 600 token',
    );
  }
  const token = (text.split(/\r?\n/)[0] ?? '').trim();
  if (token.length < MIN_TOKEN)
    throw new BerthError('E_USAGE', `the API token in ${file} is shorter than ${MIN_TOKEN} characters`, 'e.g. head -c 32 /dev/urandom | base64 > token');
  return token;
}
