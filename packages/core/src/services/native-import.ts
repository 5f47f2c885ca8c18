/**
 * Node's own `import()`, also from core's CommonJS build: there the bundler turns a written
 * `import(x)` into `require(x)`, which cannot load an ES module by file URL. Built from a Function,
 * the expression is left alone and reaches Node's ES loader from either build.
 */
export const importNative = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
