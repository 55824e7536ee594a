// How text from a request or from mathjs appears in an error detail: quoted, and cut to a bounded length.

/** A name from the expression or the scope, quoted and cut to 64 characters. */
export function quote(name: string): string {
  return `'${truncate(name, 64)}'`
}

/** The text when it fits in maxChars, otherwise its start and an ellipsis, maxChars in all. */
export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`
}
