// Azure's naming rules for the two names a person types, checked before either reaches an ARM URL
// ("Naming rules and restrictions for Azure resources"). A name like `.` or `..` would otherwise become a
// path segment that URL resolution collapses, and the request would name another resource.
//
// Microsoft.Compute/virtualMachines: the resource name is 1-64 characters (the 15-character limit is the
// Windows host name's, a different name); letters, digits, `_`, `.`, `-`; not starting with `_` (nor, so
// no segment is ever `.` or `..`, with `.` or `-`), not ending with `.` or `-`.
// Microsoft.Resources/resourceGroups: 1-90 characters; Unicode letters and decimal digits, `_`, `-`, `.`,
// `(`, `)`; not ending with `.`.

export const VM_NAME_MAX = 64;
export const RESOURCE_GROUP_NAME_MAX = 90;

const VM_CHAR = /[A-Za-z0-9._-]/;
const RESOURCE_GROUP_CHAR = /[\p{L}\p{Nd}._()-]/u;

function describeChar(char: string): string {
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(char) ? `'${char}' (${code})` : code;
}

function firstInvalid(name: string, allowed: RegExp): string | undefined {
  return [...name].find((char) => !allowed.test(char));
}

/** Why `name` cannot be a VM's resource name, or null when it can. */
export function vmNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  const length = [...name].length;
  if (length > VM_NAME_MAX) return `it is ${length} characters long; Azure allows at most ${VM_NAME_MAX}`;
  const invalid = firstInvalid(name, VM_CHAR);
  if (invalid) {
    return `it contains ${describeChar(invalid)}; use only letters a-z, digits, '-', '_' and '.'`;
  }
  if (!/^[A-Za-z0-9]/.test(name)) return `it starts with '${name[0]}'; it must start with a letter or digit`;
  if (/[.-]$/.test(name)) return `it ends with '${name[name.length - 1]}'; it cannot end with '.' or '-'`;
  return null;
}

/** Why `name` cannot be a resource group's name, or null when it can. */
export function resourceGroupNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  const length = [...name].length;
  if (length > RESOURCE_GROUP_NAME_MAX) {
    return `it is ${length} characters long; Azure allows at most ${RESOURCE_GROUP_NAME_MAX}`;
  }
  const invalid = firstInvalid(name, RESOURCE_GROUP_CHAR);
  if (invalid) {
    return `it contains ${describeChar(invalid)}; use only letters, digits, '_', '-', '.', '(' and ')'`;
  }
  if (name.endsWith('.')) return "it ends with '.'; it cannot end with a period";
  return null;
}

/** `name` as a person can read it in an error: clipped, so 2 KB of junk does not fill the answer. */
export function quoteName(name: string): string {
  const chars = [...name];
  return `'${chars.length > 70 ? `${chars.slice(0, 70).join('')}…` : name}'`;
}
