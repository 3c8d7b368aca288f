import { stat } from 'node:fs/promises';

/** Whether anything exists at `p` (file, directory, ...); errors such as EACCES count as absent. */
export function pathExists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Whether `p` is a directory; errors count as "no". */
export async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}
