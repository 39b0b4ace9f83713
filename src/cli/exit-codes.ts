/** Exit codes: 1 runtime failure, 2 invalid input (bad spec, bad flags). A module of its own so main.ts stays light. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
