import { InvalidArgumentError } from 'commander';

/** Parses a command-line count such as `--limit 100`: a whole number from 1 to `max`. */
export function countOption(max: number): (value: string) => number {
  return (value) => {
    const count = Number(value);
    if (!Number.isSafeInteger(count) || count < 1) throw new InvalidArgumentError(`"${value}" is not a positive whole number`);
    if (count > max) throw new InvalidArgumentError(`${value} is more than the most allowed, ${max.toLocaleString('en')}`);
    return count;
  };
}
