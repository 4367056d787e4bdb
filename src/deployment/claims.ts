/**
 * One object, one resource: which resource of a deployment names which Tines object, and who a
 * person is as far as the deployment knows (an email and a user id of one user).
 *
 * Two resources that name one object overwrite each other at every `up`, so `check` refuses the
 * second (provider/claims.ts, `claimFailures`). An object may be named in more than one way: a
 * membership names its person by user id or by email, and the two are one person only once the
 * deployment knows that user (tenant facts, the shared directory, users it made or read): then a
 * claim covers every name of the object ({@link ObjectClaims.claim}), and a create whose person
 * is resolved only at deploy asks which resource named the object first
 * ({@link ObjectClaims.earlierHolder}).
 */

/** The emails and user ids of the users a deployment has seen: what tells an id and an email apart as one person. */
export class KnownUsers {
  private readonly idByEmail = new Map<string, number>();
  private readonly emailById = new Map<number, string>();

  /** Records that user `id` has `email` (as Tines holds it; compared without letter case). */
  learn(user: { id: number; email: string }): void {
    const email = user.email.trim().toLowerCase();
    // A changed email moves the user: the old one no longer names them.
    const previous = this.emailById.get(user.id);
    if (previous !== undefined && previous !== email) this.idByEmail.delete(previous);
    this.idByEmail.set(email, user.id);
    this.emailById.set(user.id, email);
  }

  /** The id of the user with `email`, if known. */
  idOf(email: string): number | undefined {
    return this.idByEmail.get(email.trim().toLowerCase());
  }

  /** The email (lower case) of user `id`, if known. */
  emailOf(id: number): string | undefined {
    return this.emailById.get(id);
  }
}

/** A claim: the resource that named an object, and when (in check order). */
interface Claim {
  name: string;
  order: number;
}

/** Which resource (by kind and name) claimed each Tines object, by every name of the object. */
export class ObjectClaims {
  /** Keyed `<kind> <key>`. */
  private readonly byObject = new Map<string, Claim>();
  /** The object keys each resource (`<kind> <name>`) claimed last, and when it first claimed. */
  private readonly byResource = new Map<string, { keys: string[]; order: number }>();
  private checks = 0;

  /**
   * Records that resource `name` of `kind` names the Tines object whose natural keys are `keys`
   * (its declared one first, then the others the deployment knows), and returns the name of
   * another resource of the kind that named any of them first, if any. A second check of the same
   * resource (same name) is no conflict and keeps its place in the order; a resource whose inputs
   * now name another object gives up its earlier claim.
   */
  claim(kind: string, keys: readonly string[], name: string): string | undefined {
    for (const key of keys) {
      const holder = this.byObject.get(`${kind} ${key}`);
      if (holder !== undefined && holder.name !== name) return holder.name;
    }
    const resourceKey = `${kind} ${name}`;
    const previous = this.byResource.get(resourceKey);
    for (const key of previous?.keys ?? []) this.byObject.delete(`${kind} ${key}`);
    const order = previous?.order ?? (this.checks += 1);
    for (const key of keys) this.byObject.set(`${kind} ${key}`, { name, order });
    this.byResource.set(resourceKey, { keys: [...keys], order });
    return undefined;
  }

  /**
   * For a create that resolved its object's other names at deploy: the resource holding the
   * declared key `own`, and another resource that claimed one of `others` before it, if any
   * (the one claimed later is the second resource, whichever create runs first).
   */
  earlierHolder(kind: string, own: string, others: readonly string[]): { name: string; holder: string } | undefined {
    const mine = this.byObject.get(`${kind} ${own}`);
    if (mine === undefined) return undefined;
    for (const key of others) {
      const holder = this.byObject.get(`${kind} ${key}`);
      if (holder !== undefined && holder.name !== mine.name && holder.order < mine.order) return { name: mine.name, holder: holder.name };
    }
    return undefined;
  }

  /** The keys of `kind` that resources other than the holder of `own` claimed. */
  keysClaimedBesides(kind: string, own: string): string[] {
    const mine = this.byObject.get(`${kind} ${own}`)?.name;
    const prefix = `${kind} `;
    return [...this.byObject.entries()].filter(([key, claim]) => key.startsWith(prefix) && claim.name !== mine).map(([key]) => key.slice(prefix.length));
  }

  /** Gives up the claim on object `key` of `kind` (its resource was deleted), under every name. */
  release(kind: string, key: string): void {
    const holder = this.byObject.get(`${kind} ${key}`);
    if (holder === undefined) return;
    const resourceKey = `${kind} ${holder.name}`;
    for (const each of this.byResource.get(resourceKey)?.keys ?? [key]) this.byObject.delete(`${kind} ${each}`);
    this.byResource.delete(resourceKey);
  }
}
