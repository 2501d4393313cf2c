import type { CalendarView } from "../../../src/modules/sla/manage-calendars.js";
import { parseWindows, windowsText } from "./calendar-hours.js";
import {
  AdminForm,
  EditButton,
  ListEditorForm,
  saveItem,
  TextField,
  useDraft,
  useFocusOnOpen,
  useListEditor,
  useSubmission,
} from "./form-controls.js";

type Definition = CalendarView["definition"];
type Weekday = keyof Definition["weekly"];

const weekdayNames: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};
const weekdays = Object.keys(weekdayNames) as Weekday[];

const calendarFields = [
  "name",
  "definition",
  "definition/timeZone",
  "definition/holidays",
  ...weekdays.map((day) => `definition/weekly/${day}`),
];

interface CalendarDraft {
  name: string;
  timeZone: string;
  weekly: Record<Weekday, string>;
  holidays: string;
}

function draftOf(calendar: CalendarView | null): CalendarDraft {
  const definition = calendar?.definition;
  return {
    name: calendar?.name ?? "",
    timeZone: definition?.timeZone ?? "UTC",
    weekly: Object.fromEntries(
      weekdays.map((day) => [
        day,
        calendar ? windowsText(definition?.weekly[day]) : day === "sat" || day === "sun" ? "" : "09:00-17:00",
      ]),
    ) as Record<Weekday, string>,
    holidays: (definition?.holidays ?? []).join("\n"),
  };
}

/** A calendar's name, zone, weekly hours and holidays; its date overrides and closures are kept as they are. */
function CalendarForm({ calendar, onSaved }: { calendar: CalendarView | null; onSaved(): void }) {
  const submission = useSubmission(calendarFields);
  const { draft, setDraft, bind } = useDraft(() => draftOf(calendar));
  useFocusOnOpen(submission.formRef);
  const kept =
    Object.keys(calendar?.definition.overrides ?? {}).length + (calendar?.definition.closures?.length ?? 0);
  const title = calendar ? `Edit ${calendar.name}` : "New calendar";
  return (
    <AdminForm
      submission={submission}
      title={title}
      heading="h3"
      submitLabel={calendar ? "Save calendar" : "Add calendar"}
      onSubmit={(event) => {
        event.preventDefault();
        const weekly: Definition["weekly"] = {};
        const malformed: Record<string, string[]> = {};
        for (const day of weekdays) {
          const windows = parseWindows(draft.weekly[day]);
          if (windows === null)
            malformed[`definition/weekly/${day}`] = ['write hours as "09:00-17:00", separated by commas'];
          else if (windows.length > 0) weekly[day] = windows;
        }
        if (Object.keys(malformed).length > 0) {
          submission.refuse({ byField: malformed, general: [] });
          return;
        }
        const definition: Definition = {
          ...calendar?.definition,
          timeZone: draft.timeZone.trim(),
          weekly,
          holidays: draft.holidays
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean),
        };
        submission.run(async () => {
          await saveItem("/sla/calendars", calendar, { name: draft.name, definition });
          onSaved();
        });
      }}
    >
      <TextField label="Calendar name" required maxLength={200} {...bind("name")} />
      <TextField
        label="Time zone"
        hint="IANA zone, e.g. America/Los_Angeles."
        required
        maxLength={64}
        {...bind("timeZone", "definition/timeZone")}
      />
      <fieldset className="weekly">
        <legend>Weekly hours</legend>
        <p className="hint">
          Local time, e.g. 09:00-17:00 or 08:00-12:00, 13:00-18:00. Leave a day empty when closed.
        </p>
        {weekdays.map((day) => (
          <TextField
            key={day}
            label={weekdayNames[day]}
            name={`definition/weekly/${day}`}
            value={draft.weekly[day]}
            onChange={(hours) => setDraft({ ...draft, weekly: { ...draft.weekly, [day]: hours } })}
          />
        ))}
      </fieldset>
      <TextField
        label="Holidays"
        hint='One a line: a local date closed all day ("2026-12-24") or a country&apos;s public holidays ("preset:US").'
        rows={3}
        {...bind("holidays", "definition/holidays")}
      />
      {kept > 0 && (
        <p className="hint">
          Its {kept} date overrides and closures are kept as they are (change them with{" "}
          <code>tend sla import</code>).
        </p>
      )}
    </AdminForm>
  );
}

const summaryOf = (definition: Definition) =>
  weekdays
    .filter((day) => definition.weekly[day]?.length)
    .map((day) => `${day} ${windowsText(definition.weekly[day])}`)
    .join("; ") || "never open";

/** The business calendars SLA targets are counted on. */
export function CalendarsSection({ calendars, onSaved }: { calendars: CalendarView[]; onSaved(): void }) {
  const editor = useListEditor(onSaved);
  return (
    <section aria-labelledby="calendars-title">
      <h2 id="calendars-title">Business calendars</h2>
      {calendars.length === 0 ? (
        <p className="muted">
          No calendars: every target counts around the clock. Add one for business-hours targets.
        </p>
      ) : (
        <ul className="plain config-list">
          {calendars.map((calendar) => (
            <li key={calendar.id}>
              <strong>{calendar.name}</strong> <span className="muted">{calendar.definition.timeZone}</span>
              <span className="summary">{summaryOf(calendar.definition)}</span>
              <EditButton editor={editor} id={calendar.id} name={calendar.name} />
            </li>
          ))}
        </ul>
      )}
      <ListEditorForm editor={editor} newLabel="New calendar">
        {(open) => (
          <CalendarForm
            calendar={calendars.find((calendar) => calendar.id === open) ?? null}
            onSaved={editor.saved}
          />
        )}
      </ListEditorForm>
    </section>
  );
}
