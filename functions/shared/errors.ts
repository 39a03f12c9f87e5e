/**
 * The base of the functions' errors. Callers tell errors apart by `name` (stable, set here), not `instanceof`,
 * and the message is set explicitly: inside an inline callback Pulumi serializes classes as ES5 functions that
 * call `Error.call(this, message)`, which sets neither (docs/inline-callbacks.md).
 */
export class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.message = message;
    this.name = name;
  }
}
