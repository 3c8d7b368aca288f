import { stat } from 'node:fs/promises';
import { BerthError } from '../util';

export async function requireDirectory(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new BerthError('E_IO', `${dir}: no such directory`);
  if (!st.isDirectory()) throw new BerthError('E_IO', `${dir}: not a directory`);
}
