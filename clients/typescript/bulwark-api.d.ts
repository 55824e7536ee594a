// Generated from openapi.json by `npm run openapi` (openapi-typescript). Do not edit.

export interface paths {
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness probe */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness probe: 503 while starting, draining or when a required dependency is down */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an account (AUTH_REGISTRATION=open)
         * @description Answers 202 with the same body, headers and cost whether or not the email already has an account: the answer does not tell which (docs/SECURITY.md, Registration). A new email gets an account at once: log in with it. A taken email keeps its account and password unchanged, and a notice for its owner is recorded (audit event user.registration_existing).
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in: an access token (15 min) and a single-use refresh token
         * @description With two-factor authentication enabled, send totp_code (or recovery_code) too; without it the answer is 401 MFA_REQUIRED. Repeated failures lock the account and the client IP out (429).
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange a refresh token for new tokens (rotation; reuse revokes the session) */
        post: operations["refreshTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End this session: revoke its refresh tokens and this access token */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every session of the account; every outstanding token dies */
        post: operations["logoutAll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the password; every session and token of the account ends */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The logged-in user */
        get: operations["getCurrentUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Active sessions of the account */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** End one session (its refresh tokens stop working) */
        delete: operations["endSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/mfa/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start TOTP enrolment: a secret and otpauth:// URI, active once confirmed */
        post: operations["startTotpEnrolment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/mfa/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm TOTP enrolment with a current code; returns one-time recovery codes */
        post: operations["confirmTotpEnrolment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/mfa/totp/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Turn TOTP off (password and a current code required) */
        post: operations["disableTotp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account with a role (administrators; AUTH_REGISTRATION open or admin) */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API keys (your own; admins see all), newest first */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Issue an API key (the key is shown only in this response)
         * @description Users issue keys acting as themselves, with at most their own scopes; admins may set owner_id and any scope. Overlapping rotation: issue the new key, deploy it, then revoke the old one.
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key (by id or prefix); it stops working everywhere within a second */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public keys that verify access tokens (current and previous) */
        get: operations["getJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/math/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Evaluate an arithmetic expression in a restricted sandbox
         * @description Elementary functions, matrices and comparisons only: no assignments, function definitions, ranges, imports or parser access. Expressions are bounded in length and parse-tree size.
         */
        post: operations["evaluateExpression"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/math/statistics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Descriptive statistics of a list of numbers */
        post: operations["computeStatistics"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/math/fibonacci/{n}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The n-th Fibonacci number, exact */
        get: operations["getFibonacci"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List plans: filters, full-text search, keyset pagination */
        get: operations["listPlans"];
        put?: never;
        /** Create a plan */
        post: operations["createPlan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/plans/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a plan */
        get: operations["getPlan"];
        put?: never;
        post?: never;
        /** Delete a plan (If-Match optional: deletes only that version) */
        delete: operations["deletePlan"];
        options?: never;
        head?: never;
        /** Change a plan (If-Match with its ETag is required) */
        patch: operations["updatePlan"];
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** ApiKey */
        ApiKey: {
            /** Format: uuid */
            id: string;
            /** @description bk_<public id>: identifies the key in logs and lists. */
            prefix: string;
            name: string;
            owner_id: string;
            scopes: string[];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /**
             * Format: date-time
             * @description Accurate to about a minute.
             */
            last_used_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
        };
        /** ApiKeyCreate */
        ApiKeyCreate: {
            /** @example billing-worker */
            name: string;
            /**
             * @example [
             *       "math:read"
             *     ]
             */
            scopes: ("math:read" | "plans:read" | "plans:write" | "admin")[];
            /** Format: date-time */
            expires_at?: string;
            /** @description Administrators only. */
            owner_id?: string;
        };
        /** ApiKeyCreated */
        ApiKeyCreated: {
            /** @description The whole key. Shown only in this response; store it now. */
            key: string;
            api_key: components["schemas"]["ApiKey"];
        };
        /** ApiKeyPage */
        ApiKeyPage: {
            items: components["schemas"]["ApiKey"][];
            next_cursor: string | null;
        };
        /** EvaluateRequest */
        EvaluateRequest: {
            /** @example sqrt(x^2 + y^2) */
            expression: string;
            /**
             * @description Variables the expression may use
             * @example {
             *       "x": 3,
             *       "y": 4
             *     }
             */
            scope?: {
                [key: string]: number | boolean;
            };
        };
        /** EvaluateResponse */
        EvaluateResponse: {
            result: number | boolean | string | unknown[];
            /**
             * @description number, boolean, matrix, complex, unit or string
             * @example number
             */
            type: string;
        };
        /** FibonacciResponse */
        FibonacciResponse: {
            n: number;
            /** @description Exact value as a decimal string */
            value: string;
        };
        /** HealthLive */
        HealthLive: {
            /** @enum {string} */
            status: "ok";
        };
        /** HealthReady */
        HealthReady: {
            status: "ready" | "unavailable" | "starting" | "draining" | "stopped";
            checks: {
                [key: string]: {
                    status: "ok" | "failing";
                    duration_ms: number;
                    critical: boolean;
                    details?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        /** Jwks */
        Jwks: {
            keys: ({
                kid: string;
                kty: string;
                alg: string;
            } & {
                [key: string]: unknown;
            })[];
        };
        /** Login */
        Login: {
            /**
             * Format: email
             * @example ada@example.com
             */
            email: string;
            password: string;
            /** @description The current 6-digit code. */
            totp_code?: string;
            /** @description A one-time recovery code. */
            recovery_code?: string;
        };
        /** PasswordChange */
        PasswordChange: {
            current_password: string;
            new_password: string;
        };
        /** Plan */
        Plan: {
            /** Format: uuid */
            id: string;
            owner: string;
            title: string;
            description: string;
            /** @enum {unknown} */
            status: "draft" | "active" | "done" | "cancelled";
            /** Format: date */
            start_date: string;
            /** Format: date */
            end_date: string | null;
            tags: string[];
            version: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /** PlanCreate */
        PlanCreate: {
            /** @example Ship the data layer */
            title: string;
            description?: string;
            /** @enum {unknown} */
            status?: "draft" | "active" | "done" | "cancelled";
            /**
             * Format: date
             * @description First day of the plan
             * @example 2026-12-01
             */
            start_date: string;
            end_date?: string | null;
            /**
             * @example [
             *       "launch",
             *       "q4"
             *     ]
             */
            tags?: string[];
        };
        /** PlanPage */
        PlanPage: {
            items: components["schemas"]["Plan"][];
            next_cursor: string | null;
        };
        /** PlanPatch */
        PlanPatch: {
            /** @example Ship the data layer */
            title?: string;
            description?: string;
            /** @enum {unknown} */
            status?: "draft" | "active" | "done" | "cancelled";
            /**
             * Format: date
             * @description First day of the plan
             * @example 2026-12-01
             */
            start_date?: string;
            end_date?: string | null;
            /**
             * @example [
             *       "launch",
             *       "q4"
             *     ]
             */
            tags?: string[];
        };
        Problem: {
            /** @description URI identifying the problem type (RFC 9457 §3.1.1) */
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @description The request path */
            instance?: string;
            /**
             * Format: uuid
             * @description Unique per occurrence; the log line carries it too
             */
            error_id: string;
            /**
             * @description Stable code; see the table in the API description
             * @enum {string}
             */
            error_code: "API_KEY_NOT_FOUND" | "AUTHENTICATION_REQUIRED" | "AUTH_BUSY" | "BAD_REQUEST" | "CORS_ORIGIN_DENIED" | "CREDENTIALS_INVALID" | "CSRF_TOKEN_INVALID" | "DATABASE_TIMEOUT" | "DATABASE_UNAVAILABLE" | "EMAIL_TAKEN" | "EXPRESSION_FORBIDDEN" | "EXPRESSION_INVALID" | "EXPRESSION_TOO_COMPLEX" | "HANDLER_TIMEOUT" | "HEADERS_TOO_LARGE" | "IDEMPOTENCY_KEY_REUSED" | "INTERNAL_ERROR" | "LOGIN_FAILED" | "MALFORMED_JSON" | "METHOD_NOT_ALLOWED" | "MFA_CODE_INVALID" | "MFA_ENROLLMENT_REQUIRED" | "MFA_REQUIRED" | "MFA_STATE_CONFLICT" | "NOT_FOUND" | "OVERLOADED" | "PASSWORD_REJECTED" | "PAYLOAD_TOO_LARGE" | "PERMISSION_DENIED" | "PLAN_NOT_FOUND" | "PLAN_PRECONDITION_REQUIRED" | "PLAN_VERSION_MISMATCH" | "RATE_LIMITED" | "REFRESH_TOKEN_INVALID" | "REGISTRATION_CLOSED" | "REQUEST_TIMEOUT" | "RESULT_NOT_FINITE" | "RESULT_TOO_LARGE" | "SERVICE_UNAVAILABLE" | "SESSION_NOT_FOUND" | "TOO_MANY_ATTEMPTS" | "UNSUPPORTED_MEDIA_TYPE" | "VALIDATION_FAILED";
            request_id: string;
            /** Format: date-time */
            timestamp: string;
            /** @description For 422: each invalid field */
            errors?: {
                location: "body" | "query" | "params" | "headers";
                /** @description JSON Pointer to the field */
                pointer: string;
                message: string;
            }[];
        };
        /** RecoveryCodes */
        RecoveryCodes: {
            /** @description Each works once. Shown only now. */
            recovery_codes: string[];
        };
        /** Refresh */
        Refresh: {
            /** @description Omit in cookie mode: the refresh cookie is used. */
            refresh_token?: string;
        };
        /** Register */
        Register: {
            /**
             * Format: email
             * @example ada@example.com
             */
            email: string;
            password: string;
        };
        /**
         * RegistrationAccepted
         * @description The same whether or not the address already had an account: log in with it. A taken address keeps its account unchanged.
         */
        RegistrationAccepted: {
            /** @enum {string} */
            status: "accepted";
            /** @description The address as stored and looked up: NFKC, trimmed, lower case. */
            email: string;
        };
        /** Session */
        Session: {
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            last_used_at: string;
            /** Format: date-time */
            expires_at: string;
            user_agent: string;
            ip: string;
            /** @description The session of the token making this request. */
            current: boolean;
        };
        /** SessionList */
        SessionList: {
            items: components["schemas"]["Session"][];
        };
        /** StatisticsRequest */
        StatisticsRequest: {
            /**
             * @example [
             *       2,
             *       4,
             *       4,
             *       4,
             *       5,
             *       5,
             *       7,
             *       9
             *     ]
             */
            values: number[];
            /**
             * @example [
             *       0.25,
             *       0.75
             *     ]
             */
            quantiles?: number[];
        };
        /** StatisticsResponse */
        StatisticsResponse: {
            count: number;
            sum: number;
            mean: number;
            median: number;
            modes: number[];
            variance_population: number;
            variance_sample: number | null;
            stddev_population: number;
            stddev_sample: number | null;
            min: number;
            max: number;
            quantiles: {
                q: number;
                value: number;
            }[];
        };
        /** TokenPair */
        TokenPair: {
            /** @enum {string} */
            token_type: "Bearer";
            /** @description Absent in cookie mode (it is in an HttpOnly cookie). */
            access_token?: string;
            /** @description Seconds until the access token expires. */
            expires_in: number;
            /** @description Absent in cookie mode. Single use: each refresh returns a new one. */
            refresh_token?: string;
            refresh_expires_in: number;
            /** Format: uuid */
            session_id: string;
            /** @description Cookie mode: send as X-CSRF-Token on POST, PUT, PATCH and DELETE. */
            csrf_token: string;
        };
        /** TotpConfirm */
        TotpConfirm: {
            /** @description The current 6-digit code. */
            totp_code: string;
        };
        /** TotpDisable */
        TotpDisable: {
            password: string;
            /** @description The current 6-digit code. */
            totp_code?: string;
            /** @description A one-time recovery code. */
            recovery_code?: string;
        };
        /** TotpEnrolment */
        TotpEnrolment: {
            /** @description Base32 secret, for authenticators that cannot scan a QR code. */
            secret: string;
            /** @description otpauth:// URI to show as a QR code. */
            otpauth_uri: string;
        };
        /** User */
        User: {
            /** Format: uuid */
            id: string;
            email: string;
            /** @enum {unknown} */
            role: "admin" | "user";
            mfa_enabled: boolean;
            /** Format: date-time */
            created_at: string;
        };
        /** UserCreate */
        UserCreate: {
            /**
             * Format: email
             * @example ada@example.com
             */
            email: string;
            password: string;
            /** @enum {unknown} */
            role: "admin" | "user";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthLive"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthReady"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthReady"];
                };
            };
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Register"];
            };
        };
        responses: {
            /** @description The same whether or not the address already had an account: log in with it. A taken address keeps its account unchanged. */
            202: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegistrationAccepted"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `REGISTRATION_CLOSED`: AUTH_REGISTRATION is not `open`: accounts are created by an administrator. */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Invalid input; `errors` names each field
             *
             *     `PASSWORD_REJECTED`: The password breaks the policy (NIST SP 800-63B): too short or long, a commonly used password, or contains the email or service name.
             */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent
             *
             *     `AUTH_BUSY`: Too many password hashes are queued (AUTH_HASH_CONCURRENCY, AUTH_HASH_QUEUE_MAX); retry after Retry-After seconds.
             */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Login"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `LOGIN_FAILED`: The email, password or second factor is wrong. The answer (and its timing) is the same whether or not the account exists.
             *
             *     `MFA_REQUIRED`: The account has two-factor authentication: send totp_code or recovery_code with the login.
             */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent
             *
             *     `AUTH_BUSY`: Too many password hashes are queued (AUTH_HASH_CONCURRENCY, AUTH_HASH_QUEUE_MAX); retry after Retry-After seconds.
             */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    refreshTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Refresh"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `REFRESH_TOKEN_INVALID`: The refresh token is unknown, expired, revoked or was already used (reuse revokes its whole session). */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `CSRF_TOKEN_INVALID`: A cookie-authenticated request with an unsafe method must send the csrf_token from login in X-CSRF-Token. */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out */
            204: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    logoutAll: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every session ended */
            204: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordChange"];
            };
        };
        responses: {
            /** @description Password changed; log in again */
            204: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description No credentials, or invalid ones; WWW-Authenticate says which scheme
             *
             *     `LOGIN_FAILED`: The email, password or second factor is wrong. The answer (and its timing) is the same whether or not the account exists.
             */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Invalid input; `errors` names each field
             *
             *     `PASSWORD_REJECTED`: The password breaks the policy (NIST SP 800-63B): too short or long, a commonly used password, or contains the email or service name.
             */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent
             *
             *     `AUTH_BUSY`: Too many password hashes are queued (AUTH_HASH_CONCURRENCY, AUTH_HASH_QUEUE_MAX); retry after Retry-After seconds.
             */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getCurrentUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionList"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    endSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Session ended */
            204: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `SESSION_NOT_FOUND`: No active session with this id belongs to the caller. */
            404: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    startTotpEnrolment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TotpEnrolment"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `MFA_STATE_CONFLICT`: Two-factor authentication is already enabled (disable it first), or there is no pending enrolment to confirm. */
            409: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    confirmTotpEnrolment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TotpConfirm"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodes"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `MFA_STATE_CONFLICT`: Two-factor authentication is already enabled (disable it first), or there is no pending enrolment to confirm. */
            409: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Invalid input; `errors` names each field
             *
             *     `MFA_CODE_INVALID`: The TOTP code is wrong, expired or was already used.
             */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    disableTotp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TotpDisable"];
            };
        };
        responses: {
            /** @description Two-factor authentication is off */
            204: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description No credentials, or invalid ones; WWW-Authenticate says which scheme
             *
             *     `LOGIN_FAILED`: The email, password or second factor is wrong. The answer (and its timing) is the same whether or not the account exists.
             *
             *     `MFA_REQUIRED`: The account has two-factor authentication: send totp_code or recovery_code with the login.
             */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `MFA_STATE_CONFLICT`: Two-factor authentication is already enabled (disable it first), or there is no pending enrolment to confirm. */
            409: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent
             *
             *     `AUTH_BUSY`: Too many password hashes are queued (AUTH_HASH_CONCURRENCY, AUTH_HASH_QUEUE_MAX); retry after Retry-After seconds.
             */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UserCreate"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Authenticated, but the scopes or role do not allow this
             *
             *     `REGISTRATION_CLOSED`: AUTH_REGISTRATION is not `open`: accounts are created by an administrator.
             */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `EMAIL_TAKEN`: An account with this email exists (administrators creating a user; self-registration answers 202 either way). */
            409: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Invalid input; `errors` names each field
             *
             *     `PASSWORD_REJECTED`: The password breaks the policy (NIST SP 800-63B): too short or long, a commonly used password, or contains the email or service name.
             */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent
             *
             *     `AUTH_BUSY`: Too many password hashes are queued (AUTH_HASH_CONCURRENCY, AUTH_HASH_QUEUE_MAX); retry after Retry-After seconds.
             */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyPage"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApiKeyCreate"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyCreated"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `API_KEY_NOT_FOUND`: No API key with this id is visible to the caller. */
            404: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "public, max-age=300";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jwks"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    evaluateExpression: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EvaluateRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "result": 5,
                     *       "type": "number"
                     *     }
                     */
                    "application/json": components["schemas"]["EvaluateResponse"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Invalid input; `errors` names each field
             *
             *     `EXPRESSION_INVALID`: The expression or its scope has a syntax error, an unknown symbol or wrongly typed values, or failed to evaluate; `detail` gives the reason.
             *
             *     `EXPRESSION_FORBIDDEN`: The expression uses a function, operator or construct that is disabled; `detail` names it.
             *
             *     `EXPRESSION_TOO_COMPLEX`: The expression is too long, has too many nodes, nests too deeply or needs more work than one request may use.
             *
             *     `RESULT_NOT_FINITE`: The result is NaN or infinite, which JSON cannot represent.
             *
             *     `RESULT_TOO_LARGE`: The result, or a matrix computed on the way to it, has more elements or characters than allowed.
             */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    computeStatistics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StatisticsRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatisticsResponse"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Invalid input; `errors` names each field
             *
             *     `RESULT_NOT_FINITE`: The result is NaN or infinite, which JSON cannot represent.
             */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFibonacci: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example 30 */
                n: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "private, no-cache";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "n": 30,
                     *       "value": "832040"
                     *     }
                     */
                    "application/json": components["schemas"]["FibonacciResponse"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listPlans: {
        parameters: {
            query?: {
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string;
                status?: "draft" | "active" | "done" | "cancelled";
                tag?: string;
                /**
                 * @description Only plans starting on or after this day
                 * @example 2026-12-01
                 */
                start_date_from?: string;
                /**
                 * @description Only plans starting on or before this day
                 * @example 2026-12-01
                 */
                start_date_to?: string;
                /** @description Full-text search in title and description */
                q?: string;
                /** @description A leading - sorts newest/latest first */
                sort?: "-created_at" | "created_at" | "start_date" | "-start_date";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "private, no-cache";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    /** @description A weak tag of this page, for If-None-Match on a later read */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlanPage"];
                };
            };
            /** @description Not modified: If-None-Match named the current ETag. No body. */
            304: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "private, no-cache";
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createPlan: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retried create return the first result instead of creating a duplicate */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlanCreate"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    /** @description The URL of the new plan */
                    Location?: string;
                    /** @description The version of this plan, for If-Match on a later change and If-None-Match on a later read */
                    ETag?: string;
                    /** @description Present when this is the stored answer to an earlier request with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Invalid input; `errors` names each field
             *
             *     `IDEMPOTENCY_KEY_REUSED`: This Idempotency-Key was already used with a different request body.
             */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getPlan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "private, no-cache";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    /** @description The version of this plan, for If-Match on a later change and If-None-Match on a later read */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description Not modified: If-None-Match named the current ETag. No body. */
            304: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "private, no-cache";
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `PLAN_NOT_FOUND`: No plan with this id is visible to the caller (missing, deleted, or not theirs). */
            404: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deletePlan: {
        parameters: {
            query?: never;
            header?: {
                /** @description ETag of the version the change is based on */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `PLAN_NOT_FOUND`: No plan with this id is visible to the caller (missing, deleted, or not theirs). */
            404: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `PLAN_VERSION_MISMATCH`: If-Match names a version that is no longer current; fetch the plan and retry with its ETag. */
            412: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updatePlan: {
        parameters: {
            query?: never;
            header: {
                /** @description ETag of the version the change is based on */
                "if-match": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlanPatch"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    /** @description The rate-limit policies that apply to this request (IETF RateLimit fields): `"name";q=REQUESTS;w=WINDOW_SECONDS`, comma-separated. */
                    "RateLimit-Policy"?: string;
                    /** @description Where the caller stands in each policy: `"name";r=REMAINING;t=SECONDS` until the oldest counted request leaves the sliding window. */
                    RateLimit?: string;
                    /** @description The version of this plan, for If-Match on a later change and If-None-Match on a later read */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Plan"];
                };
            };
            /** @description Malformed request or JSON body */
            400: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credentials, or invalid ones; WWW-Authenticate says which scheme */
            401: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Authenticated, but the scopes or role do not allow this */
            403: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `PLAN_NOT_FOUND`: No plan with this id is visible to the caller (missing, deleted, or not theirs). */
            404: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `PLAN_VERSION_MISMATCH`: If-Match names a version that is no longer current; fetch the plan and retry with its ETag. */
            412: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than BODY_LIMIT_BYTES */
            413: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Invalid input; `errors` names each field */
            422: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `PLAN_PRECONDITION_REQUIRED`: Changes to a plan must send If-Match with the ETag of the version they are based on. */
            428: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit reached (`RATE_LIMITED`, the RateLimit field says which policy) or too many failed attempts; retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error; quote error_id */
            500: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unavailable, overloaded (`OVERLOADED`) or past its deadline; retry later, after Retry-After seconds when it is sent */
            503: {
                headers: {
                    /** @description How a cache may keep this response. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
