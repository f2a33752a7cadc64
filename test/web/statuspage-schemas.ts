/**
 * JSON Schemas of Statuspage's public API v2 documents (summary.json, status.json, components.json,
 * incidents.json, scheduled-maintenances.json) as Statuspage documents them, for validating ours.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const dateTime = { type: 'string', format: 'date-time' };
const nullableDateTime = { anyOf: [dateTime, { type: 'null' }] };
const nullableString = { type: ['string', 'null'] };

const page = {
  type: 'object',
  required: ['id', 'name', 'url', 'time_zone', 'updated_at'],
  properties: {
    id: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    url: { type: 'string', format: 'uri' },
    time_zone: { type: 'string', minLength: 1 },
    updated_at: dateTime,
  },
};

const status = {
  type: 'object',
  required: ['indicator', 'description'],
  properties: {
    indicator: { enum: ['none', 'minor', 'major', 'critical'] },
    description: { type: 'string', minLength: 1 },
  },
};

const component = {
  type: 'object',
  required: [
    'id',
    'name',
    'status',
    'created_at',
    'updated_at',
    'position',
    'description',
    'showcase',
    'start_date',
    'group_id',
    'page_id',
    'group',
    'only_show_if_degraded',
  ],
  properties: {
    id: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    status: {
      enum: ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'],
    },
    created_at: dateTime,
    updated_at: dateTime,
    position: { type: 'integer', minimum: 0 },
    description: nullableString,
    showcase: { type: 'boolean' },
    start_date: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
    group_id: nullableString,
    page_id: { type: 'string' },
    group: { type: 'boolean' },
    only_show_if_degraded: { type: 'boolean' },
  },
};

const update = (statuses: string[]) => ({
  type: 'object',
  required: [
    'id',
    'status',
    'body',
    'incident_id',
    'created_at',
    'updated_at',
    'display_at',
    'affected_components',
    'deliver_notifications',
  ],
  properties: {
    id: { type: 'string', minLength: 1 },
    status: { enum: statuses },
    body: { type: 'string' },
    incident_id: { type: 'string' },
    created_at: dateTime,
    updated_at: dateTime,
    display_at: dateTime,
    affected_components: { anyOf: [{ type: 'array' }, { type: 'null' }] },
    deliver_notifications: { type: 'boolean' },
    custom_tweet: nullableString,
    tweet_id: nullableString,
  },
});

const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'];
const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'];

const incidentLike = (
  statuses: string[],
  impacts: string[],
  extra: Record<string, unknown> = {},
  required: string[] = [],
) => ({
  type: 'object',
  required: [
    'id',
    'name',
    'status',
    'created_at',
    'updated_at',
    'monitoring_at',
    'resolved_at',
    'impact',
    'shortlink',
    'started_at',
    'page_id',
    'incident_updates',
    'components',
    ...required,
  ],
  properties: {
    id: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    status: { enum: statuses },
    created_at: dateTime,
    updated_at: dateTime,
    monitoring_at: nullableDateTime,
    resolved_at: nullableDateTime,
    impact: { enum: impacts },
    shortlink: { type: 'string', format: 'uri' },
    started_at: dateTime,
    page_id: { type: 'string' },
    incident_updates: { type: 'array', minItems: 1, items: update(statuses) },
    components: { type: 'array', items: component },
    ...extra,
  },
});

const incident = incidentLike(INCIDENT_STATUSES, ['none', 'minor', 'major', 'critical'], {
  postmortem_body: nullableString,
  postmortem_published_at: nullableDateTime,
});
const maintenance = incidentLike(
  MAINTENANCE_STATUSES,
  ['none', 'minor', 'major', 'critical', 'maintenance'],
  { scheduled_for: dateTime, scheduled_until: dateTime },
  ['scheduled_for', 'scheduled_until'],
);

export const STATUSPAGE_SCHEMAS = {
  'summary.json': {
    type: 'object',
    required: ['page', 'components', 'incidents', 'scheduled_maintenances', 'status'],
    properties: {
      page,
      components: { type: 'array', items: component },
      incidents: { type: 'array', items: incident },
      scheduled_maintenances: { type: 'array', items: maintenance },
      status,
    },
  },
  'status.json': { type: 'object', required: ['page', 'status'], properties: { page, status } },
  'components.json': {
    type: 'object',
    required: ['page', 'components'],
    properties: { page, components: { type: 'array', items: component } },
  },
  'incidents.json': {
    type: 'object',
    required: ['page', 'incidents'],
    properties: { page, incidents: { type: 'array', items: incident } },
  },
  'scheduled-maintenances.json': {
    type: 'object',
    required: ['page', 'scheduled_maintenances'],
    properties: { page, scheduled_maintenances: { type: 'array', items: maintenance } },
  },
} as const;

export type StatuspageDocument = keyof typeof STATUSPAGE_SCHEMAS;

export function statuspageValidators(): Record<StatuspageDocument, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormatsModule.default(ajv);
  const out = {} as Record<StatuspageDocument, ValidateFunction>;
  for (const [name, schema] of Object.entries(STATUSPAGE_SCHEMAS))
    out[name as StatuspageDocument] = ajv.compile(schema);
  return out;
}
