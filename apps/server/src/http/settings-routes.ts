// Settings > Offloading (admins): providers, routing to them and opening hours.
import { OffloadingSettings } from '@baton/proto';
import { getOffloadingSettings, putOffloadingSettings } from '../commands/offloading-settings.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

export function settingsRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/settings/offloading',
      access: 'admin',
      name: 'getOffloadingSettings',
      summary: 'Offloading settings (secrets masked); the output is valid PUT input',
      tag: 'Admin',
      response: OffloadingSettings,
      handler: async () => getOffloadingSettings(deps),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/settings/offloading',
      access: 'admin',
      name: 'putOffloadingSettings',
      summary: 'Replace the offloading settings (validated; a masked secret keeps the stored one)',
      tag: 'Admin',
      // the command reports problems as SETTINGS_INVALID, so it parses the body itself
      body: OffloadingSettings,
      handlerParsesBody: true,
      errors: ['SETTINGS_INVALID', 'URL_NOT_ALLOWED'],
      response: OffloadingSettings,
      handler: async ({ req }) => putOffloadingSettings(deps, req.body),
    }),
  ];
}
