// The only request body parser: JSON in UTF-8 (RFC 8259 §8.1), decoded strictly before Fastify's parser.
import type { FastifyBodyParser } from 'fastify'
import type { AppError } from '../errors/app-error.ts'
import { platformErrors } from '../errors/catalog.ts'

const UTF8 = new Set(['utf-8', 'utf8'])
/** Throws on bytes that are not UTF-8 instead of replacing them with U+FFFD; keeps a BOM to refuse it. */
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * A parser for `application/json` (parseAs 'buffer') around Fastify's own (`parseJson`, which keeps its
 * prototype-poisoning checks). It refuses what Fastify would read silently wrong: a charset other than
 * UTF-8 (415; the body would be decoded as UTF-8 anyway), bytes that are not UTF-8 and a byte-order mark
 * (400 MALFORMED_JSON: RFC 8259 forbids the BOM, and parsers disagree on whether to skip it).
 */
export function createJsonBodyParser(parseJson: FastifyBodyParser<string>): FastifyBodyParser<Buffer> {
  return (request, body, done) => {
    const error = charsetError(request.headers['content-type']) ?? bomError(body)
    if (error !== undefined) {
      done(error, undefined)
      return
    }
    let text: string
    try {
      text = decoder.decode(body)
    } catch (cause) {
      done(platformErrors.MALFORMED_JSON({ detail: 'The body is not valid UTF-8', cause }), undefined)
      return
    }
    // Fastify's parser is callback style: it calls done and returns nothing (its type allows a promise).
    void parseJson(request, text, done)
  }
}

function charsetError(contentType: string | undefined): AppError | undefined {
  // The usual `application/json` has no parameters: nothing to split.
  if (contentType === undefined || !contentType.includes(';')) return undefined
  for (const parameter of contentType.split(';').slice(1)) {
    const [name = '', value = ''] = parameter.split('=', 2).map((part) => part.trim())
    if (name.toLowerCase() !== 'charset') continue
    const charset = value.replace(/^"(.*)"$/, '$1').toLowerCase()
    if (UTF8.has(charset)) continue
    return platformErrors.UNSUPPORTED_MEDIA_TYPE({
      detail: `charset ${JSON.stringify(charset)} is not accepted; send JSON in UTF-8`,
    })
  }
  return undefined
}

function bomError(body: Buffer): AppError | undefined {
  if (body[0] !== 0xef || body[1] !== 0xbb || body[2] !== 0xbf) return undefined
  return platformErrors.MALFORMED_JSON({
    detail: 'The body starts with a byte-order mark; send JSON without one',
  })
}
