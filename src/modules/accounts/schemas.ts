// Shapes of the accounts API: users, login and tokens, sessions, two-factor, API keys.
import { Type, type Static } from 'typebox'
import type { Scope } from '../../platform/auth/principal.ts'
import { Nullable } from '../../platform/http/nullable.ts'

const NO_NUL = '^[^\\u0000]*$'
const Email = Type.String({ format: 'email', maxLength: 254, examples: ['ada@example.com'] })
// The policy (length, common passwords) is checked by the service; the schema only bounds the input.
const Password = Type.String({ minLength: 1, maxLength: 1024, pattern: NO_NUL })
const TotpCode = Type.String({ pattern: '^[0-9]{6}$', description: 'The current 6-digit code.' })
const RecoveryCode = Type.String({ minLength: 10, maxLength: 20, description: 'A one-time recovery code.' })
const DateTime = Type.String({ format: 'date-time' })

export const RegisterSchema = Type.Object(
  { email: Email, password: Password },
  { title: 'Register', additionalProperties: false },
)

export const RegistrationAcceptedSchema = Type.Object(
  {
    status: Type.Literal('accepted'),
    email: Type.String({ description: 'The address as stored and looked up: NFKC, trimmed, lower case.' }),
  },
  {
    title: 'RegistrationAccepted',
    description:
      'The same whether or not the address already had an account: log in with it. A taken address keeps its account unchanged.',
    additionalProperties: false,
  },
)

export const CreateUserSchema = Type.Object(
  { email: Email, password: Password, role: Type.Enum(['admin', 'user']) },
  { title: 'UserCreate', additionalProperties: false },
)

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    role: Type.Enum(['admin', 'user']),
    mfa_enabled: Type.Boolean(),
    created_at: DateTime,
  },
  { title: 'User', additionalProperties: false },
)

export const LoginSchema = Type.Object(
  {
    email: Email,
    password: Password,
    totp_code: Type.Optional(TotpCode),
    recovery_code: Type.Optional(RecoveryCode),
  },
  { title: 'Login', additionalProperties: false },
)
export type LoginBody = Static<typeof LoginSchema>

export const RefreshSchema = Type.Object(
  {
    refresh_token: Type.Optional(
      Type.String({ maxLength: 100, description: 'Omit in cookie mode: the refresh cookie is used.' }),
    ),
  },
  { title: 'Refresh', additionalProperties: false },
)

export const TokenPairSchema = Type.Object(
  {
    token_type: Type.Literal('Bearer'),
    access_token: Type.Optional(
      Type.String({ description: 'Absent in cookie mode (it is in an HttpOnly cookie).' }),
    ),
    expires_in: Type.Integer({ description: 'Seconds until the access token expires.' }),
    refresh_token: Type.Optional(
      Type.String({ description: 'Absent in cookie mode. Single use: each refresh returns a new one.' }),
    ),
    refresh_expires_in: Type.Integer(),
    session_id: Type.String({ format: 'uuid' }),
    csrf_token: Type.String({
      description: 'Cookie mode: send as X-CSRF-Token on POST, PUT, PATCH and DELETE.',
    }),
  },
  { title: 'TokenPair', additionalProperties: false },
)

export const PasswordChangeSchema = Type.Object(
  { current_password: Password, new_password: Password },
  { title: 'PasswordChange', additionalProperties: false },
)

export const SessionSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    created_at: DateTime,
    last_used_at: DateTime,
    expires_at: DateTime,
    user_agent: Type.String(),
    ip: Type.String(),
    current: Type.Boolean({ description: 'The session of the token making this request.' }),
  },
  { title: 'Session', additionalProperties: false },
)
export const SessionListSchema = Type.Object(
  { items: Type.Array(SessionSchema) },
  { title: 'SessionList', additionalProperties: false },
)

export const IdParamsSchema = Type.Object(
  { id: Type.String({ maxLength: 100 }) },
  { additionalProperties: false },
)

export const TotpEnrolmentSchema = Type.Object(
  {
    secret: Type.String({ description: 'Base32 secret, for authenticators that cannot scan a QR code.' }),
    otpauth_uri: Type.String({ description: 'otpauth:// URI to show as a QR code.' }),
  },
  { title: 'TotpEnrolment', additionalProperties: false },
)
export const TotpConfirmSchema = Type.Object(
  { totp_code: TotpCode },
  { title: 'TotpConfirm', additionalProperties: false },
)
export const RecoveryCodesSchema = Type.Object(
  { recovery_codes: Type.Array(Type.String(), { description: 'Each works once. Shown only now.' }) },
  { title: 'RecoveryCodes', additionalProperties: false },
)
export const TotpDisableSchema = Type.Object(
  { password: Password, totp_code: Type.Optional(TotpCode), recovery_code: Type.Optional(RecoveryCode) },
  { title: 'TotpDisable', additionalProperties: false },
)

/** The body that issues a key, for the scopes the app defines (src/scopes.ts). */
export function createApiKeyCreateSchema(scopes: readonly Scope[]) {
  return Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 100, pattern: NO_NUL, examples: ['billing-worker'] }),
      scopes: Type.Array(Type.Enum([...scopes]), {
        minItems: 1,
        uniqueItems: true,
        examples: [scopes.slice(0, 1)],
      }),
      expires_at: Type.Optional(DateTime),
      owner_id: Type.Optional(
        Type.String({ minLength: 1, maxLength: 100, pattern: NO_NUL, description: 'Administrators only.' }),
      ),
    },
    { title: 'ApiKeyCreate', additionalProperties: false },
  )
}

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    prefix: Type.String({ description: 'bk_<public id>: identifies the key in logs and lists.' }),
    name: Type.String(),
    owner_id: Type.String(),
    scopes: Type.Array(Type.String()),
    created_at: DateTime,
    expires_at: Nullable(DateTime),
    last_used_at: Nullable(Type.String({ format: 'date-time', description: 'Accurate to about a minute.' })),
    revoked_at: Nullable(DateTime),
  },
  { title: 'ApiKey', additionalProperties: false },
)

export const ApiKeyCreatedSchema = Type.Object(
  {
    key: Type.String({ description: 'The whole key. Shown only in this response; store it now.' }),
    api_key: ApiKeySchema,
  },
  { title: 'ApiKeyCreated', additionalProperties: false },
)

export const ApiKeyListQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)

export const ApiKeyPageSchema = Type.Object(
  { items: Type.Array(ApiKeySchema), next_cursor: Nullable(Type.String()) },
  { title: 'ApiKeyPage', additionalProperties: false },
)

export const JwksSchema = Type.Object(
  {
    keys: Type.Array(
      Type.Object(
        { kid: Type.String(), kty: Type.String(), alg: Type.String() },
        { additionalProperties: true },
      ),
    ),
  },
  { title: 'Jwks', additionalProperties: false },
)
