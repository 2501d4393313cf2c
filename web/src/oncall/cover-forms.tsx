import {
  AdminForm,
  LoadState,
  namesById,
  SelectField,
  TextField,
  useDraft,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { api, type PersonView } from "../api.js";
import { useMe } from "../session.js";
import { type LayerShiftView, range, type ScheduleView, WEEK } from "./oncall-data.js";
import { atInZone, instantOfLocalInput } from "./schedule-draft.js";

const coverFields = ["personId", "start", "end"] as const;

/** An override: someone covers a span, whoever the layers put there. Times are the browser's. */
export function CoverShiftForm({
  schedule,
  staff,
  onSaved,
}: {
  schedule: ScheduleView;
  staff: PersonView[];
  onSaved(): void;
}) {
  const me = useMe();
  const submission = useSubmission(coverFields);
  const blank = { personId: me.id, start: "", end: "" };
  const { draft, setDraft, bind } = useDraft(blank);
  return (
    <AdminForm
      submission={submission}
      title="Cover a shift"
      heading="h3"
      submitLabel="Cover"
      onSubmit={submission.submit(async () => {
        await api("POST", `/oncall/schedules/${schedule.id}/overrides`, {
          personId: draft.personId,
          start: instantOfLocalInput(draft.start),
          end: instantOfLocalInput(draft.end),
        });
        setDraft(blank);
        onSaved();
      })}
    >
      <SelectField label="Who covers" names={namesById(staff)} {...bind("personId")} />
      <TextField label="From (your time)" type="datetime-local" required {...bind("start")} />
      <TextField label="Until (your time)" type="datetime-local" required {...bind("end")} />
    </AdminForm>
  );
}

const swapFields = ["layerId", "first", "second"] as const;

/** Two layer shifts traded: each person takes the other's, as two overrides. */
export function SwapShiftsForm({ schedule, onSaved }: { schedule: ScheduleView; onSaved(): void }) {
  const submission = useSubmission(swapFields);
  const topLayer = schedule.layers[schedule.layers.length - 1]?.id ?? "";
  const { draft, setDraft, bind } = useDraft({ layerId: topLayer, first: "", second: "" });
  const shifts = useLoaded(async () => {
    const from = Date.now();
    const query = `layerId=${encodeURIComponent(draft.layerId)}&${range(from, from + 8 * WEEK)}`;
    const loaded = await api<{ shifts: LayerShiftView[] }>(
      "GET",
      `/oncall/schedules/${schedule.id}/layer-shifts?${query}`,
    );
    setDraft((current) => ({
      ...current,
      first: String(loaded.shifts[0]?.index ?? ""),
      second: String(loaded.shifts[1]?.index ?? ""),
    }));
    return loaded.shifts;
  }, [draft.layerId, schedule.version]);
  const layerNames = Object.fromEntries(
    schedule.layers.map((layer, index) => [layer.id, `Layer ${index + 1}`]),
  );
  // Shift indexes count up with time, so the names' integer keys keep the shifts in order.
  const shiftNames = Object.fromEntries(
    (shifts.value ?? []).map((shift) => [
      String(shift.index),
      `${atInZone(shift.start, schedule.timeZone)} – ${atInZone(shift.end, schedule.timeZone)}: ${shift.person?.name ?? "nobody"}`,
    ]),
  );
  return (
    <AdminForm
      submission={submission}
      title="Swap shifts"
      heading="h3"
      submitLabel="Swap"
      onSubmit={submission.submit(async () => {
        await api("POST", `/oncall/schedules/${schedule.id}/swaps`, {
          first: { layerId: draft.layerId, shiftIndex: Number(draft.first) },
          second: { layerId: draft.layerId, shiftIndex: Number(draft.second) },
        });
        onSaved();
      })}
    >
      {schedule.layers.length > 1 && <SelectField label="Layer" names={layerNames} {...bind("layerId")} />}
      {shifts.value === null ? (
        <LoadState error={shifts.error} what="Shifts" />
      ) : shifts.value.length < 2 ? (
        <p className="muted">This layer has fewer than two shifts in the next 8 weeks.</p>
      ) : (
        <>
          <SelectField label="This shift" names={shiftNames} {...bind("first")} />
          <SelectField label="With this shift" names={shiftNames} {...bind("second")} />
        </>
      )}
    </AdminForm>
  );
}
