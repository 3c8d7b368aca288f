/**
 * Kubernetes' `$(VAR)` expansion (k8s.io/kubernetes third_party/forked/golang/expansion),
 * used for env values, command and args: `$(NAME)` becomes the variable's value when it is
 * defined, and stays literal when not; `$$` is an escaped `$`; any other `$` stays as is.
 */

export interface Expanded {
  value: string;
  /** Names that were defined and substituted. */
  used: string[];
}

export function expandVars(input: string, lookup: (name: string) => string | undefined): Expanded {
  let out = '';
  const used: string[] = [];
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const read = readVariable(input.slice(cursor + 1));
    if (read.isVar) {
      const value = lookup(read.text);
      if (value === undefined) out += `$(${read.text})`;
      else {
        out += value;
        used.push(read.text);
      }
    } else {
      out += read.text;
    }
    cursor += read.advance;
    checkpoint = cursor + 1;
  }
  return { value: out + input.slice(checkpoint), used };
}

function readVariable(rest: string): { text: string; isVar: boolean; advance: number } {
  if (rest[0] === '$') return { text: '$', isVar: false, advance: 1 };
  if (rest[0] === '(') {
    const close = rest.indexOf(')', 1);
    if (close >= 0) return { text: rest.slice(1, close), isVar: true, advance: close + 1 };
    return { text: '$(', isVar: false, advance: 1 };
  }
  return { text: `$${rest[0]}`, isVar: false, advance: 1 };
}
