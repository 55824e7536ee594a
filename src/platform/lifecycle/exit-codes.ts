// Exit codes of the bulwark commands beyond 0 (success), 1 (failure) and 2 (usage): docs/OPERATIONS.md.

/** Another process holds the embedded database's DATA_DIR (EX_TEMPFAIL: try again once it stops). */
export const DATA_DIR_LOCKED_EXIT_CODE = 75

/** The port cannot be had: in use, or privileged (EX_UNAVAILABLE). */
export const PORT_UNAVAILABLE_EXIT_CODE = 69
