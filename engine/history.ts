/**
 * Temporal history events as the engine stores them: genuine `temporal.api.history.v1.HistoryEvent`
 * protobufs, so that a fetched history is a real `History` for `Worker.runReplayHistory`.
 */
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { proto } from './proto';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export const EventType = proto.temporal.api.enums.v1.EventType;
export type EventTypeValue = temporal.api.enums.v1.EventType;
export type Payload = temporal.api.common.v1.IPayload;
export type Failure = temporal.api.failure.v1.IFailure;

export function encodeEvent(e: HistoryEvent): Buffer {
  return Buffer.from(proto.temporal.api.history.v1.HistoryEvent.encode(e).finish());
}

export function decodeEvent(data: Uint8Array): temporal.api.history.v1.HistoryEvent {
  return proto.temporal.api.history.v1.HistoryEvent.decode(data);
}

/**
 * Many byte strings as one bytea parameter. node-postgres sends a Buffer as binary, while a bytea[]
 * goes out as hex text built in JavaScript and parsed again by the server. SQL takes element i back
 * as `substring(blob FROM offsets[i] FOR lengths[i])` (see `UNPACK`); a null has length -1.
 */
export function packBytes(list: (Uint8Array | null | undefined)[]): { blob: Buffer; offsets: number[]; lengths: number[] } {
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 1; // substring() counts from 1
  for (const b of list) {
    offsets.push(at);
    lengths.push(b ? b.length : -1);
    at += b ? b.length : 0;
  }
  return { blob: Buffer.concat(list.filter((b): b is Uint8Array => !!b)), offsets, lengths };
}

/** The SQL that takes element (o, l) out of a packed blob parameter `:name` (see `packBytes`). */
export const UNPACK = (blob: string, o: string, l: string) => `CASE WHEN ${l} >= 0 THEN substring(${blob}::bytea FROM ${o} FOR ${l}) END`;

export function eventTypeName(e: HistoryEvent): string {
  return EventType[e.eventType ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED';
}

export function eventIdOf(e: HistoryEvent): number {
  return Number(e.eventId ?? 0);
}

export function eventTimeMs(e: HistoryEvent): number {
  return e.eventTime ? tsToMs(e.eventTime) : 0;
}

export function timestamp(ms: number) {
  return msToTs(ms);
}

/** A History object as `Worker.runReplayHistory` and `@temporalio/client` use it. */
export function toHistory(events: HistoryEvent[]): temporal.api.history.v1.History {
  return proto.temporal.api.history.v1.History.create({
    events: events.map((e) => proto.temporal.api.history.v1.HistoryEvent.create(e as temporal.api.history.v1.HistoryEvent)),
  });
}

/** Events written by the workflow's own commands (they name the task that completed them). */
const COMMAND_EVENTS = new Set<number>([
  EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
  EventType.EVENT_TYPE_TIMER_STARTED,
  EventType.EVENT_TYPE_TIMER_CANCELED,
  EventType.EVENT_TYPE_MARKER_RECORDED,
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

export function isCommandEvent(e: HistoryEvent): boolean {
  return COMMAND_EVENTS.has(e.eventType ?? 0);
}

export const CLOSE_EVENTS = new Map<number, string>([
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 'completed'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, 'failed'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, 'canceled'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, 'continued_as_new'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, 'terminated'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, 'timed_out'],
]);
