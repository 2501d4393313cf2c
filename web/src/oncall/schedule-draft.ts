import type { Weekday } from "../../../src/modules/calendar/calendar-definition.js";
import type { ScheduleView } from "../../../src/modules/oncall/oncall-presenter.js";
import type { RotationLayer, RotationUnit } from "../../../src/modules/oncall/rotation.js";

export type { RotationLayer, RotationUnit, Weekday };

export const weekdayNames: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

export const unitNames: Record<RotationUnit, string> = { hours: "hours", days: "days", weeks: "weeks" };

/** A restriction window as typed: times stay text so the API, not the form, judges them. */
export interface WindowDraft {
  days: Weekday[];
  from: string;
  to: string;
}

export interface LayerDraft {
  /** Kept when editing: swaps name layers by id. */
  id?: string;
  participants: string[];
  every: string;
  unit: RotationUnit;
  /** "": the start date's weekday (the API's default). */
  handoffWeekday: Weekday | "";
  handoffTime: string;
  startDate: string;
  restriction: WindowDraft[];
}

export interface ScheduleDraft {
  name: string;
  timeZone: string;
  layers: LayerDraft[];
  /** The person mailed when a debrief goes unacknowledged; "": nobody. */
  supportLeadId: string;
}

/** A new layer: the issue's default rotation, two weeks, handing off at 09:00 from `today`. */
export function newLayer(today: string): LayerDraft {
  return {
    participants: [],
    every: "2",
    unit: "weeks",
    handoffWeekday: "",
    handoffTime: "09:00",
    startDate: today,
    restriction: [],
  };
}

export function draftOfSchedule(schedule: ScheduleView): ScheduleDraft {
  return {
    name: schedule.name,
    timeZone: schedule.timeZone,
    supportLeadId: schedule.supportLeadId ?? "",
    layers: schedule.layers.map((layer) => ({
      id: layer.id,
      participants: [...layer.participants],
      every: String(layer.rotation.every),
      unit: layer.rotation.unit,
      handoffWeekday: layer.handoffWeekday ?? "",
      handoffTime: layer.handoffTime,
      startDate: layer.startDate,
      restriction: (layer.restriction ?? []).map((window) => ({ ...window, days: [...window.days] })),
    })),
  };
}

/** The draft as the API's layers; an empty "every" goes as 0 so the API names the field. */
export function layersOfDraft(layers: readonly LayerDraft[]) {
  return layers.map((layer) => ({
    ...(layer.id ? { id: layer.id } : {}),
    participants: layer.participants,
    rotation: { every: Number(layer.every) || 0, unit: layer.unit },
    startDate: layer.startDate,
    handoffTime: layer.handoffTime,
    ...(layer.unit === "weeks" && layer.handoffWeekday ? { handoffWeekday: layer.handoffWeekday } : {}),
    ...(layer.restriction.length > 0 ? { restriction: layer.restriction } : {}),
  }));
}

/** Every field of the form by its path in the API's refusals, so each message lands beside its input. */
export function scheduleFields(layers: readonly LayerDraft[]): string[] {
  return [
    "name",
    "timeZone",
    "supportLeadId",
    "layers",
    ...layers.flatMap((layer, i) => [
      `layers/${i}/participants`,
      `layers/${i}/rotation/every`,
      `layers/${i}/rotation/unit`,
      `layers/${i}/startDate`,
      `layers/${i}/handoffTime`,
      `layers/${i}/handoffWeekday`,
      `layers/${i}/restriction`,
      ...layer.restriction.flatMap((_, j) => [
        `layers/${i}/restriction/${j}/days`,
        `layers/${i}/restriction/${j}/from`,
        `layers/${i}/restriction/${j}/to`,
      ]),
    ]),
  ];
}

/** The list with the item at `index` one place earlier (a participant taking an earlier turn). */
export function moveEarlier<T>(items: readonly T[], index: number): T[] {
  if (index <= 0 || index >= items.length) return [...items];
  return [...items.slice(0, index - 1), items[index] as T, items[index - 1] as T, ...items.slice(index + 1)];
}

const plural = (count: number, unit: RotationUnit) => (count === 1 ? unit.replace(/s$/, "") : unit);

/** "every 2 weeks, handing off Monday at 09:00 from 2026-12-07; Mon–Fri 09:00–17:00 only". */
export function layerSummary(layer: RotationLayer): string {
  const { every, unit } = layer.rotation;
  const rotation = every === 1 ? `every ${plural(1, unit)}` : `every ${every} ${plural(every, unit)}`;
  const weekday = unit === "weeks" && layer.handoffWeekday ? `${weekdayNames[layer.handoffWeekday]} ` : "";
  const windows = (layer.restriction ?? [])
    .map(
      (window) =>
        `${window.days.map((day) => weekdayNames[day].slice(0, 3)).join(", ")} ${window.from}–${window.to}`,
    )
    .join("; ");
  return `${rotation}, handing off ${weekday}at ${layer.handoffTime} from ${layer.startDate}${windows ? `; only ${windows}` : ""}`;
}

/** An instant in the schedule's zone, as the team reads a rota: "Mon 7 Dec, 09:00". */
export function atInZone(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

/** A `datetime-local` value (the browser's zone) as the API's instant; "" stays "" for the API to refuse. */
export function instantOfLocalInput(value: string): string {
  const instant = new Date(value);
  return value && !Number.isNaN(instant.getTime()) ? instant.toISOString() : "";
}
