import { ConflictError, ValidationError } from '../errors.js';

/**
 * Use cases name the fields of their own input (`/name`, `/hosts/0`); where that input sits in
 * the request (`/body/profile`, `/query`) is the route's knowledge. This runs a use case and
 * places its field errors in the request: `/name` under `/body/profile` is `/body/profile/name`.
 */
export async function inRequestAt<T>(prefix: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ConflictError) {
      for (const fieldError of error.fieldErrors) fieldError.pointer = `${prefix}${fieldError.pointer}`;
    }
    throw error;
  }
}
