import type { Kysely } from 'kysely';
import { z } from 'zod';
import { bookingTools } from './bookings';
import { getBusinessInfo } from './business-info';
import { handoffToHuman } from './handoff-to-human';
import { httpToolDefinition } from './http-tool';
import { marketplaceTools } from './marketplace';
import { orderTools } from './orders';
import { searchKnowledge } from './search-knowledge';
import { showOptions } from './show-options';
import type { ToolDefinition, ToolKind } from './tool';
import type { ToolCall } from '../context';
import type { Channel } from '../../domain/channels';
import { withoutNul } from '../../domain/nul';
import { httpTool, httpTools } from '../../db/repositories/http-tools';
import { toolSwitches } from '../../db/repositories/tools';
import type { Database } from '../../db/schema';

/** Every tool the service has. Adding one is its file and a line here. */
export const builtInTools: readonly ToolDefinition[] = [searchKnowledge, handoffToHuman, showOptions, ...bookingTools, ...orderTools, ...marketplaceTools, getBusinessInfo];

const builtIn = new Map(builtInTools.map((tool) => [tool.name, tool]));

export function isBuiltInTool(name: string): boolean {
  return builtIn.has(name);
}

/** A tenant's tools: the service's own and the APIs it declared. */
export async function tenantTools(db: Kysely<Database>, tenantId: string): Promise<ToolDefinition[]> {
  return [...builtInTools, ...(await httpTools(db, tenantId)).map(httpToolDefinition)];
}

/** One of a tenant's tools by name. */
export async function tenantTool(db: Kysely<Database>, tenantId: string, name: string): Promise<ToolDefinition | undefined> {
  const own = builtIn.get(name);
  if (own) return own;
  const declared = await httpTool(db, tenantId, name);
  return declared && httpToolDefinition(declared);
}

/** Whether a tool is on for a tenant: as it set it, else on for core and declared tools, off for the packs. */
export function isEnabled(tool: ToolDefinition, switches: Map<string, boolean>): boolean {
  return switches.get(tool.name) ?? (tool.pack === 'core' || tool.pack === 'custom');
}

/** The tools the model is offered on a tenant's turn on `channel`. */
export async function offeredTools(db: Kysely<Database>, tenantId: string, channel: Channel | undefined): Promise<ToolDefinition[]> {
  const [all, switches] = await Promise.all([tenantTools(db, tenantId), toolSwitches(db, tenantId)]);
  return all.filter((tool) => isEnabled(tool, switches) && (!tool.channels || (channel !== undefined && tool.channels.includes(channel))));
}

/**
 * What a project lets the assistant use (`only`: tool names; null: everything offered). Handing over to a person and
 * showing buttons are not a project's to take away.
 */
export function projectTools(offered: ToolDefinition[], only: string[] | null | undefined): ToolDefinition[] {
  if (!only) return offered;
  return offered.filter((tool) => tool.kind === 'control' || tool.kind === 'display' || only.includes(tool.name));
}

/** A tool as the OpenAI-compatible API takes it: its arguments' JSON schema, as declared or generated from zod. */
export function modelTool(tool: ToolDefinition) {
  const parameters = { ...(tool.parameters ?? (z.toJSONSchema(tool.args, { io: 'input' }) as Record<string, unknown>)) };
  delete parameters.$schema;
  return { type: 'function' as const, function: { name: tool.name, description: tool.description, parameters } };
}

/**
 * What the workflow does with one tool call, decided before anything runs: the tool's kind and its arguments once
 * checked, or a refusal the model reads (an unknown or switched-off tool, arguments that do not fit) and can correct.
 */
export type ToolPlan =
  | { callId: string; name: string; kind: ToolKind; approval: boolean; arguments: Record<string, unknown> }
  | { callId: string; name: string; kind: 'refused'; error: string };

export function planCall(call: ToolCall, offered: readonly ToolDefinition[]): ToolPlan {
  const { id: callId, function: fn } = call;
  const tool = offered.find((t) => t.name === fn.name);
  if (!tool) return { callId, name: fn.name, kind: 'refused', error: `there is no tool named ${fn.name} here; use only the tools offered` };
  const parsed = parseArguments(fn.arguments);
  if (parsed === null) return { callId, name: fn.name, kind: 'refused', error: `the arguments of ${fn.name} are not a JSON object` };
  const checked = tool.args.safeParse(parsed);
  if (!checked.success) {
    return { callId, name: fn.name, kind: 'refused', error: `the arguments of ${fn.name} do not fit: ${z.prettifyError(checked.error)}` };
  }
  return { callId, name: fn.name, kind: tool.kind, approval: tool.approval ?? false, arguments: checked.data };
}

/** A call's arguments as an object, without NUL characters (JSON may spell one as `\u0000`); null when not one. */
function parseArguments(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = withoutNul(JSON.parse(text || '{}'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
