/** Runs `action`, expecting it to fail, and returns the error. */
export async function failureOf(action: Promise<unknown>): Promise<Error> {
  try {
    await action;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the operation to fail");
}
