/**
 * Whether every JSON value one JSON Schema accepts is accepted by another,
 * for the subset zod's JSON Schema output uses (objects, arrays, strings,
 * numbers, enums, const, anyOf/oneOf, $ref into components). Conservative:
 * what it cannot prove (a changed pattern, an unknown keyword) is reported,
 * so that a reviewer decides, rather than passing silently.
 *
 * Used to hold the current wire against an OLD client's document: responses
 * of the current server must parse under the old client's (strict) schemas,
 * and the old client's requests must pass the current server's.
 */

export type Schema = Record<string, unknown>;

export interface SchemaDoc {
  components?: { schemas?: Record<string, Schema> };
}

interface Side {
  schema: Schema;
  doc: SchemaDoc;
}

function resolve(side: Side): Side {
  let { schema } = side;
  for (let hops = 0; typeof schema.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref loop at ${schema.$ref}`);
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = side.doc.components?.schemas?.[name];
    if (target === undefined) throw new Error(`unresolved ${schema.$ref}`);
    // Sibling keywords beside a $ref (zod puts descriptions there) add no constraint we check.
    schema = target;
  }
  return { schema, doc: side.doc };
}

const branches = (s: Schema): Schema[] | undefined =>
  (s.anyOf as Schema[] | undefined) ?? (s.oneOf as Schema[] | undefined);

const types = (s: Schema): string[] | undefined => {
  if (s.type === undefined) return undefined;
  return Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
};

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * Reasons why some value valid under `narrow` may be invalid under `wide`
 * (empty: `wide` accepts everything `narrow` does). `at` names the place.
 *
 * @example
 * covers({ schema: newResponse, doc: current }, { schema: oldResponse, doc: old }, 'pull 200');
 */
export function covers(narrowIn: Side, wideIn: Side, at: string): string[] {
  const narrow = resolve(narrowIn);
  const wide = resolve(wideIn);
  const n = narrow.schema;
  const w = wide.schema;
  if (Object.keys(w).filter((k) => k !== 'description' && k !== 'default').length === 0) return [];

  const nb = branches(n);
  if (nb !== undefined) {
    return nb.flatMap((b, i) => covers({ schema: b, doc: narrow.doc }, wide, `${at}|${i}`));
  }
  const wb = branches(w);
  if (wb !== undefined) {
    // Some branch of wide must take all of narrow.
    for (const b of wb) {
      if (covers(narrow, { schema: b, doc: wide.doc }, at).length === 0) return [];
    }
    return [`${at}: no alternative of the wider schema takes this one`];
  }

  const issues: string[] = [];
  if ('const' in w) {
    if (!('const' in n) || n.const !== w.const) issues.push(`${at}: must be ${String(w.const)}`);
    return issues;
  }
  if (Array.isArray(w.enum)) {
    const values = Array.isArray(n.enum) ? n.enum : 'const' in n ? [n.const] : undefined;
    if (values === undefined) return [`${at}: wider is an enum, narrower is not`];
    const extra = values.filter((v) => !(w.enum as unknown[]).includes(v));
    if (extra.length > 0) issues.push(`${at}: values ${JSON.stringify(extra)} not accepted`);
    return issues;
  }
  const wt = types(w);
  const nt = types(n);
  if (wt !== undefined) {
    if (nt === undefined) return [`${at}: narrower has no type, wider wants ${wt.join('|')}`];
    // JSON Schema: every integer is a number.
    const missing = nt.filter(
      (t) => !wt.includes(t) && !(t === 'integer' && wt.includes('number')),
    );
    if (missing.length > 0) issues.push(`${at}: type ${missing.join('|')} not accepted`);
  }
  const type = nt?.[0];
  if (type === 'object') issues.push(...objectCovers(narrow, wide, at));
  if (type === 'array' && w.items !== undefined) {
    if (n.items === undefined) issues.push(`${at}[]: items unconstrained`);
    else
      issues.push(
        ...covers(
          { schema: n.items as Schema, doc: narrow.doc },
          { schema: w.items as Schema, doc: wide.doc },
          `${at}[]`,
        ),
      );
  }
  const bound = (key: string, wider: (nv: number, wv: number) => boolean) => {
    const wv = num(w[key]);
    if (wv === undefined) return;
    const nv = num(n[key]);
    if (nv === undefined || !wider(nv, wv)) issues.push(`${at}: ${key} ${nv} vs ${wv}`);
  };
  bound('minimum', (nv, wv) => nv >= wv);
  bound('exclusiveMinimum', (nv, wv) => nv >= wv);
  bound('maximum', (nv, wv) => nv <= wv);
  bound('exclusiveMaximum', (nv, wv) => nv <= wv);
  bound('minLength', (nv, wv) => nv >= wv);
  bound('maxLength', (nv, wv) => nv <= wv);
  bound('minItems', (nv, wv) => nv >= wv);
  bound('maxItems', (nv, wv) => nv <= wv);
  for (const key of ['pattern', 'format'] as const) {
    if (w[key] !== undefined && w[key] !== n[key]) {
      issues.push(`${at}: ${key} ${JSON.stringify(n[key])} vs ${JSON.stringify(w[key])}`);
    }
  }
  return issues;
}

function objectCovers(narrow: Side, wide: Side, at: string): string[] {
  const issues: string[] = [];
  const nProps = (narrow.schema.properties ?? {}) as Record<string, Schema>;
  const wProps = (wide.schema.properties ?? {}) as Record<string, Schema>;
  const nRequired = (narrow.schema.required ?? []) as string[];
  const wRequired = (wide.schema.required ?? []) as string[];
  for (const name of wRequired) {
    if (!nRequired.includes(name)) issues.push(`${at}.${name}: required but may be absent`);
  }
  for (const [name, schema] of Object.entries(nProps)) {
    const target = wProps[name];
    if (target === undefined) {
      if (wide.schema.additionalProperties === false) {
        issues.push(`${at}.${name}: a property the wider schema rejects`);
      }
      continue;
    }
    issues.push(
      ...covers({ schema, doc: narrow.doc }, { schema: target, doc: wide.doc }, `${at}.${name}`),
    );
  }
  if (
    wide.schema.additionalProperties === false &&
    narrow.schema.additionalProperties !== false &&
    Object.keys(nProps).length > 0
  ) {
    issues.push(`${at}: may carry properties the wider schema rejects`);
  }
  return issues;
}
