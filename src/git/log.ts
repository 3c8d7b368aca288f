import type { Revision } from './types';

/*
 * `git log --format` that splits without ambiguity: every field ends with NUL, a byte that
 * cannot occur in a commit's author, subject or body. Records are read 7 fields at a time;
 * the newline git puts between records is stripped from the next record's first field.
 */
const FIELDS = ['%H', '%P', '%an', '%ae', '%cI', '%s', '%b'];
export const LOG_FORMAT = `--format=${FIELDS.map((f) => `${f}%x00`).join('')}`;

export function parseLog(out: string): Revision[] {
  const tokens = out.split('\x00');
  const revisions: Revision[] = [];
  let i = 0;
  for (; i + FIELDS.length <= tokens.length; i += FIELDS.length) {
    const [rawSha, parents, author, authorEmail, date, subject, body] = tokens.slice(i, i + FIELDS.length) as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const sha = rawSha.replace(/^\n+/, '');
    if (!/^[0-9a-f]{40,64}$/.test(sha)) {
      throw new Error(`unexpected git log output near ${JSON.stringify(rawSha.slice(0, 80))}`);
    }
    const parent = parents.split(' ')[0];
    revisions.push({
      sha,
      ...(parent ? { parent } : {}),
      author,
      authorEmail,
      date,
      subject,
      body: body.replace(/\n+$/, ''),
    });
  }
  const rest = tokens.slice(i).join('').trim();
  if (rest !== '') throw new Error(`unexpected trailing git log output ${JSON.stringify(rest.slice(0, 80))}`);
  return revisions;
}
