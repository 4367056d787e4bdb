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

/**
 * What a resource's object is named now and what the resource does with names: the keys its
 * object holds in Tines until this `up` changes them (an existing resource whose declared key
 * changes: a user's new email, a team's new name), and whether it adopts what its declared key
 * names.
 */
export interface ClaimOptions {
  /** The keys the resource's object holds until its update runs, when they differ from the declared ones. */
  held?: readonly string[];
  /** Whether the resource adopts an existing object with its declared key (`adoptExisting: true`). */
  adopting?: boolean;
}

/** Which resource (by kind and name) claimed each Tines object, by every name of the object. */
export class ObjectClaims {
  /** Keyed `<kind> <key>`. */
  private readonly byObject = new Map<string, Claim>();
  /** The keys objects hold until this `up` changes them, keyed `<kind> <key>`: whose object holds each. */
  private readonly heldUntilChanged = new Map<string, string>();
  /** The keys adopting resources declared, keyed `<kind> <key>`: which resource adopts what each names. */
  private readonly adoptedBy = new Map<string, string>();
  /** The object keys each resource (`<kind> <name>`) claimed last, and when it first claimed. */
  private readonly byResource = new Map<string, { keys: string[]; held: string[]; adopting: boolean; order: number }>();
  private checks = 0;

  /**
   * Records that resource `name` of `kind` names the Tines object whose natural keys are `keys`
   * (its declared one first, then the others the deployment knows), and returns the name of
   * another resource of the kind that named any of them first, if any. A second check of the same
   * resource (same name) is no conflict and keeps its place in the order; a resource whose inputs
   * now name another object gives up its earlier claim.
   */
  claim(kind: string, keys: readonly string[], name: string): string | undefined {
    return this.claimWith(kind, keys, name)?.holder;
  }

  /**
   * {@link claim}, also refusing an adoption of an object another resource manages under a key
   * this `up` changes (`options`): a resource adopting `x@example.com` while another renames its
   * user from that email would take over the other's user when its create runs first. Returns the
   * other resource and whether the conflict is such an adoption.
   */
  claimWith(kind: string, keys: readonly string[], name: string, options: ClaimOptions = {}): { holder: string; adoption: boolean } | undefined {
    for (const key of keys) {
      const holder = this.byObject.get(`${kind} ${key}`);
      if (holder !== undefined && holder.name !== name) return { holder: holder.name, adoption: false };
    }
    const held = options.held ?? [];
    const adopted = options.adopting ? keys : [];
    for (const key of adopted) {
      const holder = this.heldUntilChanged.get(`${kind} ${key}`);
      if (holder !== undefined && holder !== name) return { holder, adoption: true };
    }
    for (const key of held) {
      const adopter = this.adoptedBy.get(`${kind} ${key}`);
      if (adopter !== undefined && adopter !== name) return { holder: adopter, adoption: true };
    }
    const resourceKey = `${kind} ${name}`;
    const previous = this.byResource.get(resourceKey);
    this.forget(kind, previous);
    const order = previous?.order ?? (this.checks += 1);
    for (const key of keys) this.byObject.set(`${kind} ${key}`, { name, order });
    for (const key of held) this.heldUntilChanged.set(`${kind} ${key}`, name);
    for (const key of adopted) this.adoptedBy.set(`${kind} ${key}`, name);
    this.byResource.set(resourceKey, { keys: [...keys], held: [...held], adopting: options.adopting ?? false, order });
    return undefined;
  }

  /** Drops every entry of one resource's claim. */
  private forget(kind: string, claim: { keys: string[]; held: string[]; adopting: boolean } | undefined): void {
    for (const key of claim?.keys ?? []) {
      this.byObject.delete(`${kind} ${key}`);
      if (claim?.adopting) this.adoptedBy.delete(`${kind} ${key}`);
    }
    for (const key of claim?.held ?? []) this.heldUntilChanged.delete(`${kind} ${key}`);
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
    this.forget(kind, this.byResource.get(resourceKey) ?? { keys: [key], held: [], adopting: false });
    this.byResource.delete(resourceKey);
  }
}
