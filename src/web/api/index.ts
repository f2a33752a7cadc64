/** Every /api/v1 route, in the order the OpenAPI document lists them. */
import { adminRoutes } from './admin.js';
import { agentRoutes } from './agent.js';
import { incidentRoutes } from './incidents.js';
import { maintenanceRoutes } from './maintenance.js';
import { buildOpenApi } from './openapi.js';
import { postmortemRoutes } from './postmortems.js';
import { resultRoutes } from './results.js';
import type { ApiRoute } from './route.js';
import { serverRoutes } from './servers.js';
import { sloRoutes } from './slo.js';
import { statsRoutes } from './stats.js';
import { statusPageRoutes } from './status-pages.js';
import { surfaceRoutes } from './surfaces.js';
import { toolRoutes } from './tools.js';
import { warningRoutes } from './warnings.js';

export const API_VERSION = '1.0.0';

const openApiRoute: ApiRoute = {
  method: 'GET',
  path: '/openapi.json',
  access: 'public',
  tag: 'meta',
  summary: 'This OpenAPI 3.1 document',
  response: { status: 200, description: 'the document', schema: { type: 'object' } },
  async handler(_call, { publicUrl }) {
    return buildOpenApi(API_ROUTES, publicUrl, API_VERSION);
  },
};

export const API_ROUTES: readonly ApiRoute[] = [
  openApiRoute,
  ...serverRoutes,
  ...statsRoutes,
  ...toolRoutes,
  ...sloRoutes,
  ...surfaceRoutes,
  ...resultRoutes,
  ...incidentRoutes,
  ...postmortemRoutes,
  ...warningRoutes,
  ...maintenanceRoutes,
  ...statusPageRoutes,
  ...adminRoutes,
  ...agentRoutes,
];
