import { z } from 'zod';
import { defineTool } from './tool';
import { hoursInWords, openNow, type BusinessInfo } from '../../domain/business-hours';

export const getBusinessInfo = defineTool({
  name: 'get_business_info',
  description: "The business's address, contact details and opening hours per weekday, and whether it is open right now.",
  args: z.object({}),
  kind: 'read',
  pack: 'business',
  async run(_args, { db, tenantId, timeZone, now }) {
    const tenant = await db.selectFrom('tenants').select(['name', 'business_info']).where('id', '=', tenantId).executeTakeFirstOrThrow();
    const info = (tenant.business_info ?? {}) as BusinessInfo;
    const hours = info.hours ?? {};
    const current = openNow(hours, now, timeZone);
    return {
      name: info.name ?? tenant.name,
      ...(info.address ? { address: info.address } : {}),
      ...(info.phone ? { phone: info.phone } : {}),
      ...(info.email ? { email: info.email } : {}),
      ...(info.website ? { website: info.website } : {}),
      time_zone: timeZone,
      local_now: `${current.weekday} ${current.time}`,
      open_now: current.open,
      hours: hoursInWords(hours),
    };
  },
});
