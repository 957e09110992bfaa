/** Awaiting an expected rejection in async tests. */
import { expect } from 'chai';

/** The error `p` rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  return expect.fail('expected the promise to reject');
}
