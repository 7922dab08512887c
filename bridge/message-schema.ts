// Parsed message schemas: field lists built once from MESSAGE_DEFINITIONS, type-name
// normalisation for both spellings (`pkg/Type`, `pkg/msg/Type`), and rosapi typedefs.
import { ACTION_DEFINITIONS, MESSAGE_DEFINITIONS, SERVICE_DEFINITIONS } from './message-definitions.ts';

/** Primitive field types of the ROS interface language (time/duration included). */
export const PRIMITIVES = [
  'bool', 'byte', 'char', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64',
  'float32', 'float64', 'string', 'wstring', 'time', 'duration',
] as const;
/** One primitive field type. */
export type Primitive = (typeof PRIMITIVES)[number];

/** One field of a message: `arrayLength` -1 for a scalar, 0 for unbounded, n for fixed size. */
export interface FieldSchema {
  readonly name: string;
  readonly type: string; // a Primitive or a canonical `pkg/Type`
  readonly primitive: boolean;
  readonly arrayLength: number;
}

/** A constant declared in a message (`int32 SUCCESSFUL=0`). */
export interface ConstantSchema { readonly name: string; readonly type: string; readonly value: string }

/** A message type: its canonical name, fields in order, and constants. */
export interface MessageSchema {
  readonly name: string;
  readonly fields: readonly FieldSchema[];
  readonly constants: readonly ConstantSchema[];
}

const PRIMITIVE_SET: ReadonlySet<string> = new Set(PRIMITIVES);
const ALIASES: Record<string, string> = {
  'builtin_interfaces/Time': 'time', 'builtin_interfaces/Duration': 'duration', Header: 'std_msgs/Header',
};

/** Canonical `pkg/Type` from `pkg/Type`, `pkg/msg/Type`, `pkg/srv/Type` or `pkg/action/Type`. */
export function canonicalTypeName(type: string): string {
  const parts = type.split('/');
  if (parts.length === 3 && (parts[1] === 'msg' || parts[1] === 'srv' || parts[1] === 'action')) return `${parts[0]}/${parts[2]}`;
  return type;
}

/** Type name in a dialect: ROS 2 spells `pkg/msg/Type`, ROS 1 `pkg/Type`. */
export function dialectTypeName(type: string, dialect: 'ros1' | 'ros2', kind: 'msg' | 'srv' | 'action' = 'msg'): string {
  const canonical = canonicalTypeName(type);
  if (dialect === 'ros1') return canonical;
  const slash = canonical.indexOf('/');
  return `${canonical.slice(0, slash)}/${kind}/${canonical.slice(slash + 1)}`;
}

function parseDefinition(name: string, text: string): MessageSchema {
  const fields: FieldSchema[] = [];
  const constants: ConstantSchema[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const match = /^([A-Za-z0-9_/]+)(\[(\d*)\])?\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*(.*))?$/.exec(line);
    if (!match) throw new Error(`message definition ${name}: cannot parse line "${line}"`);
    const [, baseRaw, bracket, size, fieldName, constant] = match;
    const base = ALIASES[baseRaw] ?? baseRaw;
    if (constant !== undefined) {
      constants.push({ name: fieldName, type: base, value: constant.trim() });
      continue;
    }
    const primitive = PRIMITIVE_SET.has(base);
    if (!primitive && !base.includes('/')) throw new Error(`message definition ${name}: field ${fieldName} has unknown type ${base}`);
    fields.push({ name: fieldName, type: primitive ? base : canonicalTypeName(base), primitive, arrayLength: bracket === undefined ? -1 : size === '' ? 0 : Number(size) });
  }
  return { name, fields, constants };
}

const schemas = new Map<string, MessageSchema>();
for (const [name, text] of Object.entries(MESSAGE_DEFINITIONS)) schemas.set(name, parseDefinition(name, text));
for (const schema of schemas.values()) {
  for (const field of schema.fields) {
    if (!field.primitive && !schemas.has(field.type)) throw new Error(`message definition ${schema.name}: field ${field.name} refers to unknown ${field.type}`);
  }
}

// Spelling -> schema, so the per-message lookup skips the split; bounded, since clients choose
// the spellings (unknown ones are not kept).
const bySpelling = new Map<string, MessageSchema>();
const MAX_SPELLINGS = 1024;

/** Schema of a known message type in either spelling, or undefined. */
export function messageSchema(type: string): MessageSchema | undefined {
  const cached = bySpelling.get(type);
  if (cached !== undefined) return cached;
  const schema = schemas.get(canonicalTypeName(type));
  if (schema !== undefined) {
    if (bySpelling.size >= MAX_SPELLINGS) bySpelling.clear();
    bySpelling.set(type, schema);
  }
  return schema;
}

/** Request/response schemas of a known service type, or undefined. */
export function serviceSchema(type: string): { request: MessageSchema; response: MessageSchema } | undefined {
  const entry = SERVICE_DEFINITIONS[canonicalTypeName(type)];
  if (!entry) return undefined;
  return { request: schemas.get(entry.request)!, response: schemas.get(entry.response)! };
}

/** Goal/result/feedback schemas of a known action type, or undefined. */
export function actionSchema(type: string): { goal: MessageSchema; result: MessageSchema; feedback: MessageSchema } | undefined {
  const entry = ACTION_DEFINITIONS[canonicalTypeName(type)];
  if (!entry) return undefined;
  return { goal: schemas.get(entry.goal)!, result: schemas.get(entry.result)!, feedback: schemas.get(entry.feedback)! };
}

/** Canonical names of every known message type. */
export function knownMessageTypes(): string[] {
  return [...schemas.keys()];
}

/** One rosapi `TypeDef` (as rosapi/MessageDetails returns, and roslib's decodeTypeDefs reads). */
export interface TypeDef {
  type: string;
  fieldnames: string[];
  fieldtypes: string[];
  fieldarraylen: number[];
  examples: string[];
  constnames: string[];
  constvalues: string[];
}

/** Typedefs of a message type and every type it nests, root first, in the chosen dialect. */
export function typeDefs(type: string, dialect: 'ros1' | 'ros2'): TypeDef[] {
  const root = messageSchema(type);
  if (!root) return [];
  const out: TypeDef[] = [];
  const seen = new Set<string>();
  const spell = (t: string): string => {
    if (t === 'time') return dialect === 'ros1' ? 'time' : 'builtin_interfaces/Time';
    if (t === 'duration') return dialect === 'ros1' ? 'duration' : 'builtin_interfaces/Duration';
    return t.includes('/') ? dialectTypeName(t, dialect) : t;
  };
  const visit = (schema: MessageSchema): void => {
    if (seen.has(schema.name)) return;
    seen.add(schema.name);
    const fields = schema.fields.filter((f) => dialect === 'ros1' || !(schema.name === 'std_msgs/Header' && f.name === 'seq'));
    out.push({
      type: spell(schema.name),
      fieldnames: fields.map((f) => f.name),
      fieldtypes: fields.map((f) => spell(f.type)),
      fieldarraylen: fields.map((f) => f.arrayLength),
      examples: fields.map((f) => (f.arrayLength >= 0 ? '[]' : f.primitive ? (f.type === 'string' ? '' : '0') : '{}')),
      constnames: schema.constants.map((c) => c.name),
      constvalues: schema.constants.map((c) => c.value),
    });
    for (const f of schema.fields) if (!f.primitive) visit(schemas.get(f.type)!);
    if (dialect === 'ros2') {
      for (const f of schema.fields) {
        if (f.type === 'time' || f.type === 'duration') {
          const t = spell(f.type);
          if (!seen.has(t)) {
            seen.add(t);
            out.push({ type: t, fieldnames: ['sec', 'nanosec'], fieldtypes: ['int32', 'uint32'], fieldarraylen: [-1, -1], examples: ['0', '0'], constnames: [], constvalues: [] });
          }
        }
      }
    }
  };
  visit(root);
  return out;
}
