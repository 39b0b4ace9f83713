/**
 * What the bench scripts share: where their progress lines go, and the median of repeated timings. Each script
 * prints a table (or, with `--json`, JSON on stdout and everything else on stderr).
 */

/** Progress and notes: on stderr when the script prints JSON (stdout stays parseable), else on stdout. */
export function progressLog(json: boolean): (line: string) => void {
  return (line) => void (json ? process.stderr.write(`${line}\n`) : console.log(line));
}

/** The middle of a sample of timings (the upper of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}
