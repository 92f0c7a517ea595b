/** A dataset file or option that cannot be used; the message names the file and what is wrong. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

export function fail(message: string): never {
  throw new DatasetError(message);
}
