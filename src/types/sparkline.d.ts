// The `sparkline` package ships no types: one function from numbers to a string of ▁▂▃▄▅▆▇█.
declare module 'sparkline' {
  function sparkline(numbers: number[], options?: { min?: number; max?: number; html?: boolean }): string;
  export = sparkline;
}
