// What Windows PowerShell 5.1 does around a Run Command script: it binds the Run Command parameters (passed
// as `-Name value`) to the script's param() block, writes a binding failure to the error stream before
// any line of the script runs, and prints ConvertTo-Json -Compress the way 5.1 does.

export type ParameterDeclaration =
  { name: string; type: 'int'; min: number; max: number } | { name: string; type: 'string'; pattern: RegExp };

export type BoundParameters = Record<string, string | number>;

export interface RunCommandParameter {
  name: string;
  value: string;
}

/** Where the Run Command extension saves the script on Windows; error records name the script by it. */
const SCRIPT_PATH =
  'C:\\Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandWindows\\1.1.18\\Downloads\\script0.ps1';
const INT32_MAX = 2 ** 31 - 1;

/** A terminating error: PowerShell writes its record to stderr and the script prints nothing. */
export class PowerShellError extends Error {
  constructor(
    message: string,
    readonly errorId: string,
  ) {
    super(message);
  }
}

/** The error record as the Run Command's StdErr shows it. */
export function errorRecord(error: PowerShellError): string {
  return [
    `${SCRIPT_PATH} : ${error.message}`,
    `    + FullyQualifiedErrorId : ${error.errorId},script0.ps1`,
  ].join('\n');
}

function validationError(name: string, detail: string): PowerShellError {
  return new PowerShellError(
    `Cannot validate argument on parameter '${name}'. ${detail}`,
    'ParameterArgumentValidationError',
  );
}

function bindOne(declaration: ParameterDeclaration, value: string): string | number {
  const { name } = declaration;
  if (declaration.type === 'string') {
    // ValidatePattern matches case-insensitively.
    if (!new RegExp(declaration.pattern.source, 'i').test(value)) {
      const pattern = declaration.pattern.source;
      throw validationError(
        name,
        `The argument "${value}" does not match the "${pattern}" pattern. Supply an argument that matches "${pattern}" and try the command again.`,
      );
    }
    return value;
  }
  const number = Number(value.trim());
  if (!/^\s*[+-]?\d+\s*$/.test(value) || Math.abs(number) > INT32_MAX) {
    throw new PowerShellError(
      `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${value}" to type "System.Int32". Error: "Input string was not in a correct format."`,
      'ParameterArgumentTransformationError',
    );
  }
  if (number < declaration.min) {
    throw validationError(
      name,
      `The ${number} argument is less than the minimum allowed range of ${declaration.min}. Supply an argument that is greater than or equal to ${declaration.min} and then try the command again.`,
    );
  }
  if (number > declaration.max) {
    throw validationError(
      name,
      `The ${number} argument is greater than the maximum allowed range of ${declaration.max}. Supply an argument that is less than or equal to ${declaration.max} and then try the command again.`,
    );
  }
  return number;
}

/**
 * The script's parameters as PowerShell binds them (every declared one is mandatory, as in the fix
 * scripts), or the PowerShellError it raises. A script without a param() block takes what it is given
 * into `$args` and binds nothing.
 */
export function bindParameters(
  declared: readonly ParameterDeclaration[],
  given: readonly RunCommandParameter[],
): BoundParameters {
  if (declared.length === 0) return {};
  const bound: BoundParameters = {};
  for (const parameter of given) {
    const declaration = declared.find((d) => d.name.toLowerCase() === parameter.name.toLowerCase());
    if (!declaration) {
      throw new PowerShellError(
        `A parameter cannot be found that matches parameter name '${parameter.name}'.`,
        'NamedParameterNotFound',
      );
    }
    bound[declaration.name] = bindOne(declaration, parameter.value);
  }
  const missing = declared.filter((d) => !(d.name in bound)).map((d) => d.name);
  if (missing.length > 0) {
    throw new PowerShellError(
      `Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`,
      'MissingMandatoryParameter',
    );
  }
  return bound;
}

/** ConvertTo-Json -Compress as Windows PowerShell 5.1 writes it: it escapes < > ' & as \u00XX. */
export function convertToJsonCompressed(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>'&]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
