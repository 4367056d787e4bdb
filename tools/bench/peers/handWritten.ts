/**
 * A hand-written dynamic provider for Tines users and team memberships, written the way Pulumi's
 * guide "Author a Dynamic Provider" shows one (pulumi.com/docs/iac/guides/building-extending/
 * providers/dynamic-providers, its "Managing credentials" widget example): an object implementing
 * `pulumi.dynamic.ResourceProvider`, one request per call with Node's global `fetch`, credentials
 * read from the environment inside each method (the guide's second way, so nothing secret is in
 * state), `throw` on any status that is not ok, outputs `{ ...inputs, ...whatTheApiAnswered }`.
 * No pacing, no shared client: the guide builds its client inside each method "because the
 * methods are serialized and run in a separate process".
 *
 * The benchmark's peers (not shipped: the tools build to dist-tools, outside the package's
 * files). They read the same endpoints pulumi-tines reads, one request an operation, so what
 * differs is only what the requests are sent with: `send` is `fetch` itself for the docs peer, or `fetch` with a retry on
 * 429 for the careful one. Beyond the guide's example they implement `read`, because the benchmark
 * refreshes, and `update` for users.
 */
import * as pulumi from "@pulumi/pulumi";

/** How a hand-written provider sends a request: `fetch`, or `fetch` wrapped in a retry. */
export type Send = (url: string, init: RequestInit) => Promise<Response>;

/** The providers of one hand-written program: one object per resource type. */
export interface HandWrittenProviders {
  user: pulumi.dynamic.ResourceProvider;
  membership: pulumi.dynamic.ResourceProvider;
}

/** The inputs of a hand-written user, as its provider gets them. */
export interface HandWrittenUserInputs {
  email: string;
  firstName?: string;
}

/** The inputs of a hand-written membership, as its provider gets them. */
export interface HandWrittenMembershipInputs {
  teamId: number;
  userId: number | string;
  role: string;
}

/** The providers, sending every request with `send`. */
export function handWrittenProviders(send: Send): HandWrittenProviders {
  /** Where to send a request and with which headers, read from the environment on every call. */
  function tines(): { url: string; headers: Record<string, string> } {
    const url = process.env.TINES_TENANT;
    const apiKey = process.env.TINES_API_KEY;
    if (!url || !apiKey) {
      throw new Error("the TINES_TENANT and TINES_API_KEY environment variables are not set");
    }
    return { url, headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" } };
  }

  const user: pulumi.dynamic.ResourceProvider = {
    async create(inputs: HandWrittenUserInputs): Promise<pulumi.dynamic.CreateResult> {
      const { url, headers } = tines();
      const response = await send(`${url}/api/v1/admin/users`, {
        method: "POST",
        headers,
        body: JSON.stringify({ email: inputs.email, first_name: inputs.firstName }),
      });
      if (!response.ok) {
        throw new Error(`failed to create user: ${response.status} ${response.statusText}`);
      }
      const created = (await response.json()) as { id: number };
      return { id: String(created.id), outs: { ...inputs, ...created } };
    },

    async read(id: string, props: HandWrittenUserInputs): Promise<pulumi.dynamic.ReadResult> {
      const { url, headers } = tines();
      const response = await send(`${url}/api/v1/admin/users/${id}`, { headers });
      if (!response.ok) {
        throw new Error(`failed to read user: ${response.status} ${response.statusText}`);
      }
      return { id, props: { ...props, ...((await response.json()) as object) } };
    },

    async update(id: string, _olds: HandWrittenUserInputs, news: HandWrittenUserInputs): Promise<pulumi.dynamic.UpdateResult> {
      const { url, headers } = tines();
      const response = await send(`${url}/api/v1/admin/users/${id}`, {
        method: "PUT",
        headers,
        body: JSON.stringify({ email: news.email, first_name: news.firstName }),
      });
      if (!response.ok) {
        throw new Error(`failed to update user: ${response.status} ${response.statusText}`);
      }
      return { outs: { ...news, ...((await response.json()) as object) } };
    },

    async delete(id: string): Promise<void> {
      const { url, headers } = tines();
      const response = await send(`${url}/api/v1/admin/users/${id}`, { method: "DELETE", headers });
      if (!response.ok) {
        throw new Error(`failed to delete user: ${response.status} ${response.statusText}`);
      }
    },
  };

  const membership: pulumi.dynamic.ResourceProvider = {
    async create(inputs: HandWrittenMembershipInputs): Promise<pulumi.dynamic.CreateResult> {
      const { url, headers } = tines();
      const response = await send(`${url}/api/v1/teams/${inputs.teamId}/invite_member`, {
        method: "POST",
        headers,
        body: JSON.stringify({ user_id: Number(inputs.userId), role: inputs.role }),
      });
      if (!response.ok) {
        throw new Error(`failed to add team member: ${response.status} ${response.statusText}`);
      }
      const member = (await response.json()) as object;
      return { id: `${inputs.teamId}/${inputs.userId}`, outs: { ...inputs, ...member } };
    },

    async read(id: string, props: HandWrittenMembershipInputs): Promise<pulumi.dynamic.ReadResult> {
      const { url, headers } = tines();
      const response = await send(`${url}/api/v1/admin/users/${props.userId}?include=team_memberships`, { headers });
      if (!response.ok) {
        throw new Error(`failed to read team member: ${response.status} ${response.statusText}`);
      }
      const found = (await response.json()) as { team_memberships: Array<{ team_id: number; role: string }> };
      const membership = found.team_memberships.find((each) => each.team_id === Number(props.teamId));
      if (!membership) return { id: "", props: {} };
      return { id, props: { ...props, role: membership.role } };
    },

    async delete(_id: string, props: HandWrittenMembershipInputs): Promise<void> {
      const { url, headers } = tines();
      const response = await send(`${url}/api/v1/teams/${props.teamId}/remove_member`, {
        method: "POST",
        headers,
        body: JSON.stringify({ user_id: Number(props.userId) }),
      });
      if (!response.ok) {
        throw new Error(`failed to remove team member: ${response.status} ${response.statusText}`);
      }
    },
  };

  return { user, membership };
}
