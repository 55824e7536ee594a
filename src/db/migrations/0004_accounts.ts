// Accounts and credentials: users, API keys, refresh-token families, the access-token deny-list,
// one-time recovery codes, and the security audit log.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key,
      -- Normalised (NFKC, trimmed, lower case) before it is stored or looked up.
      email text not null unique check (char_length(email) between 3 and 254),
      password_hash text not null,
      role text not null check (role in ('admin', 'user')),
      -- Bumped by logout-all and password changes: every access token carrying an older value dies.
      token_version integer not null default 0,
      -- TOTP secrets are encrypted with a key derived from SECRET_KEY (AES-256-GCM).
      totp_secret text,
      totp_pending_secret text,
      totp_enabled_at timestamptz(3),
      -- The last accepted 30-second step: a code is refused unless it belongs to a later one (replay).
      totp_last_step bigint,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now()
    )`.execute(db)

  await sql`
    create table mfa_recovery_codes (
      user_id uuid not null references users (id) on delete cascade,
      digest text not null,
      used_at timestamptz(3),
      primary key (user_id, digest)
    )`.execute(db)

  await sql`
    create table api_keys (
      id uuid primary key,
      -- The lookup part of bk_<public_id>_<secret>; the secret itself is stored only as an HMAC.
      public_id text not null unique,
      secret_digest text not null,
      name text not null check (char_length(name) between 1 and 100),
      owner_id text not null,
      created_by text not null,
      scopes text[] not null,
      created_at timestamptz(3) not null default now(),
      expires_at timestamptz(3),
      last_used_at timestamptz(3),
      revoked_at timestamptz(3)
    )`.execute(db)
  await sql`create index api_keys_owner_idx on api_keys (owner_id, created_at, id)`.execute(db)
  await sql`create index api_keys_created_idx on api_keys (created_at, id)`.execute(db)

  // One row per login: the refresh-token family that a session's rotations belong to.
  await sql`
    create table auth_sessions (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      created_at timestamptz(3) not null default now(),
      last_used_at timestamptz(3) not null default now(),
      expires_at timestamptz(3) not null,
      user_agent text not null default '',
      ip text not null default '',
      revoked_at timestamptz(3),
      revoked_reason text
    )`.execute(db)
  await sql`create index auth_sessions_user_idx on auth_sessions (user_id, created_at)`.execute(db)

  await sql`
    create table refresh_tokens (
      digest text primary key,
      session_id uuid not null references auth_sessions (id) on delete cascade,
      created_at timestamptz(3) not null default now(),
      expires_at timestamptz(3) not null,
      -- Set when the token is exchanged; presenting it again is reuse and revokes the family.
      used_at timestamptz(3)
    )`.execute(db)
  await sql`create index refresh_tokens_session_idx on refresh_tokens (session_id)`.execute(db)

  // Access tokens revoked before their expiry (logout), by jti; rows are purged after they expire.
  await sql`
    create table revoked_tokens (
      jti uuid primary key,
      expires_at timestamptz(3) not null
    )`.execute(db)
  await sql`create index revoked_tokens_expires_idx on revoked_tokens (expires_at)`.execute(db)

  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz(3) not null default now(),
      event text not null,
      outcome text not null check (outcome in ('success', 'failure')),
      actor text,
      subject text,
      ip text,
      request_id text,
      detail jsonb not null default '{}'
    )`.execute(db)
  await sql`create index audit_log_at_idx on audit_log (at)`.execute(db)
  await sql`create index audit_log_event_at_idx on audit_log (event, at)`.execute(db)
}
