/**
 * Loaded before every test file (.mocharc.json, and `-r` for a single file): the functions read optional settings
 * from the environment, and a shell that exported a stack's (METRIC_NAMESPACE) would change what the handler tests see.
 */
delete process.env.METRIC_NAMESPACE;
