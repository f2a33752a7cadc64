/** /api/v1/incidents/:id/postmortem: read (stored, or a fresh draft once resolved), write, publish. */
import { ProblemError } from '../http/problem.js';
import {
  editPostmortem,
  postmortemFor,
  POSTMORTEM_FIELD_MAX,
  POSTMORTEM_FIELDS,
  type PostmortemEdit,
} from '../postmortem.js';
import { actor, requireIncident } from './common.js';
import type { ApiRoute } from './route.js';
import { idParams, ref } from './schemas.js';

const bullet = { type: 'string', maxLength: POSTMORTEM_FIELD_MAX };

export const postmortemRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/incidents/:id/postmortem',
    access: 'read',
    tag: 'postmortems',
    summary: 'The postmortem: the stored one, or a draft pre-filled with facts once the incident resolved',
    params: idParams,
    response: {
      status: 200,
      description: 'the postmortem (saved: false for an unsaved draft)',
      schema: ref('Postmortem'),
    },
    problems: [404, 409],
    async handler({ params }, { view }) {
      const incident = await requireIncident(view, params.id!);
      const found = await postmortemFor(view.store, incident);
      if (!found)
        throw new ProblemError('conflict', `incident "${incident.id}" is still open: no postmortem yet`);
      return { ...found.postmortem, saved: found.saved };
    },
  },
  {
    method: 'PUT',
    path: '/incidents/:id/postmortem',
    access: 'admin',
    tag: 'postmortems',
    summary:
      'Write the five bullets and/or publish (publish: true shows it on status pages; false unpublishes)',
    params: idParams,
    body: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        ...Object.fromEntries(POSTMORTEM_FIELDS.map((f) => [f, bullet])),
        publish: { type: 'boolean' },
      },
    },
    response: { status: 200, description: 'the stored postmortem', schema: ref('Postmortem') },
    problems: [404, 409],
    async handler({ params, body, token }, { view }) {
      const incident = await requireIncident(view, params.id!);
      if (incident.status !== 'resolved') {
        throw new ProblemError(
          'conflict',
          `incident "${incident.id}" is still open: write the postmortem once it resolved`,
        );
      }
      const pm = await editPostmortem(view.store, incident, body as PostmortemEdit, actor(token), view.now());
      return { ...pm, saved: true };
    },
  },
];
