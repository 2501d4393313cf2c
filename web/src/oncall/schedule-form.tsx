import { type ReactNode, useMemo } from "react";
import { Link, useNavigate, useParams } from "react-router";
import {
  AdminForm,
  CheckboxGroup,
  Field,
  LoadState,
  SelectField,
  TextField,
  useDraft,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { api, type PersonView } from "../api.js";
import { useMe } from "../session.js";
import { activeStaff, type ScheduleView } from "./oncall-data.js";
import {
  draftOfSchedule,
  type LayerDraft,
  layersOfDraft,
  moveEarlier,
  newLayer,
  type ScheduleDraft,
  scheduleFields,
  unitNames,
  type Weekday,
  weekdayNames,
} from "./schedule-draft.js";

const handoffDayNames: Record<Weekday | "", string> = { "": "Start date's weekday", ...weekdayNames };

/** Today in the browser's zone, as a date input holds it. */
function localToday(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/** Participants in rotation order: the first takes the first shift. */
function ParticipantsEditor({
  name,
  layerNumber,
  participants,
  staff,
  onChange,
}: {
  name: string;
  layerNumber: number;
  participants: string[];
  staff: PersonView[];
  onChange(next: string[]): void;
}) {
  const names = new Map(staff.map((person) => [person.id, person.name]));
  const addable = staff.filter((person) => !participants.includes(person.id));
  return (
    <div className="oncall-participants">
      {participants.length === 0 ? (
        <p className="muted">Nobody yet: add the people who take turns.</p>
      ) : (
        <ol aria-label={`Layer ${layerNumber} rotation order`}>
          {participants.map((id, index) => {
            const who = names.get(id) ?? "A former staff member";
            return (
              <li key={id}>
                {who}{" "}
                <button
                  type="button"
                  className="link"
                  disabled={index === 0}
                  onClick={() => onChange(moveEarlier(participants, index))}
                >
                  Earlier<span className="visually-hidden"> {who}</span>
                </button>{" "}
                <button
                  type="button"
                  className="link"
                  onClick={() => onChange(participants.filter((p) => p !== id))}
                >
                  Remove<span className="visually-hidden"> {who}</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
      <Field label={`Add to layer ${layerNumber}`} name={name}>
        {(control) => (
          <select
            {...control}
            value=""
            onChange={(event) => event.target.value && onChange([...participants, event.target.value])}
          >
            <option value="">Pick a person…</option>
            {addable.map((person) => (
              <option key={person.id} value={person.id}>
                {person.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

function LayerEditor({
  index,
  layer,
  staff,
  onChange,
  onRemove,
}: {
  index: number;
  layer: LayerDraft;
  staff: PersonView[];
  onChange(next: LayerDraft): void;
  onRemove: (() => void) | null;
}) {
  const path = `layers/${index}`;
  const bind = <Key extends keyof LayerDraft & string>(key: Key, name = `${path}/${key}`) => ({
    name,
    value: layer[key],
    onChange: (value: LayerDraft[Key]) => onChange({ ...layer, [key]: value }),
  });
  const setWindow = (j: number, window: LayerDraft["restriction"][number]) =>
    onChange({ ...layer, restriction: layer.restriction.map((w, k) => (k === j ? window : w)) });
  return (
    <fieldset className="oncall-layer">
      <legend>Layer {index + 1}</legend>
      <ParticipantsEditor
        name={`${path}/participants`}
        layerNumber={index + 1}
        participants={layer.participants}
        staff={staff}
        onChange={(participants) => onChange({ ...layer, participants })}
      />
      <div className="oncall-layer-controls">
        <TextField
          label="Rotate every"
          type="number"
          min={1}
          max={8760}
          {...bind("every", `${path}/rotation/every`)}
        />
        <SelectField label="Unit" names={unitNames} {...bind("unit", `${path}/rotation/unit`)} />
        {layer.unit === "weeks" && (
          <SelectField label="Handoff day" names={handoffDayNames} {...bind("handoffWeekday")} />
        )}
        <TextField label="Handoff time" hint="24-hour, HH:MM" inputMode="numeric" {...bind("handoffTime")} />
        <TextField label="Start date" type="date" {...bind("startDate")} />
      </div>
      {layer.restriction.map((window, j) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: windows have no id; their place in the list is what the API names
        <fieldset key={j} className="oncall-window">
          <legend>
            Layer {index + 1}, window {j + 1}
          </legend>
          <CheckboxGroup
            legend="Days"
            name={`${path}/restriction/${j}/days`}
            names={weekdayNames}
            value={window.days}
            onChange={(days) => setWindow(j, { ...window, days })}
          />
          <div className="oncall-layer-controls">
            <TextField
              label="From"
              hint="HH:MM"
              name={`${path}/restriction/${j}/from`}
              value={window.from}
              onChange={(from) => setWindow(j, { ...window, from })}
            />
            <TextField
              label="To"
              hint="HH:MM"
              name={`${path}/restriction/${j}/to`}
              value={window.to}
              onChange={(to) => setWindow(j, { ...window, to })}
            />
          </div>
          <button
            type="button"
            className="link"
            onClick={() => onChange({ ...layer, restriction: layer.restriction.filter((_, k) => k !== j) })}
          >
            Remove window {j + 1}
          </button>
        </fieldset>
      ))}
      <div className="row-actions">
        <button
          type="button"
          onClick={() =>
            onChange({
              ...layer,
              restriction: [
                ...layer.restriction,
                { days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" },
              ],
            })
          }
        >
          Restrict layer {index + 1} to certain hours
        </button>
        {onRemove && (
          <button type="button" onClick={onRemove}>
            Remove layer {index + 1}
          </button>
        )}
      </div>
    </fieldset>
  );
}

/** Every IANA zone the browser knows, offered as the admin types. */
const timeZones = Intl.supportedValuesOf("timeZone");

function ScheduleForm({
  schedule,
  initial,
  staff,
}: {
  schedule: ScheduleView | null;
  initial: ScheduleDraft;
  staff: PersonView[];
}) {
  const navigate = useNavigate();
  const { draft, setDraft, bind } = useDraft(initial);
  const submission = useSubmission(scheduleFields(draft.layers));
  const setLayers = (layers: LayerDraft[]) => setDraft((current) => ({ ...current, layers }));
  return (
    <AdminForm
      submission={submission}
      title={schedule ? `Edit ${schedule.name}` : "New schedule"}
      heading="h2"
      submitLabel={schedule ? "Save schedule" : "Create schedule"}
      onSubmit={submission.submit(async () => {
        const body = {
          name: draft.name,
          timeZone: draft.timeZone,
          layers: layersOfDraft(draft.layers),
          supportLeadId: draft.supportLeadId || null,
        };
        const saved = schedule
          ? await api<ScheduleView>("PATCH", `/oncall/schedules/${schedule.id}`, {
              ...body,
              version: schedule.version,
            })
          : await api<ScheduleView>("POST", "/oncall/schedules", body);
        navigate(`/oncall/schedules/${saved.id}`);
      })}
    >
      <TextField label="Schedule name" required maxLength={100} {...bind("name")} />
      <TextField
        label="Time zone"
        hint="Handoffs happen at this zone's wall time, e.g. Europe/Paris."
        list="oncall-time-zones"
        required
        {...bind("timeZone")}
      />
      <datalist id="oncall-time-zones">
        {timeZones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <SelectField
        label="Support lead"
        hint="Mailed when the incoming engineer has not acknowledged a handoff debrief within 2 business hours."
        names={{ "": "Nobody", ...Object.fromEntries(staff.map((person) => [person.id, person.name])) }}
        {...bind("supportLeadId")}
      />
      <p className="hint">Layers lower in the list cover where the ones above them are restricted.</p>
      {draft.layers.map((layer, index) => (
        <LayerEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: new layers have no id until saved; the API names them by place
          key={index}
          index={index}
          layer={layer}
          staff={staff}
          onChange={(next) => setLayers(draft.layers.map((l, i) => (i === index ? next : l)))}
          onRemove={
            draft.layers.length > 1 ? () => setLayers(draft.layers.filter((_, i) => i !== index)) : null
          }
        />
      ))}
      <div className="row-actions">
        <button type="button" onClick={() => setLayers([...draft.layers, newLayer(localToday())])}>
          Add a layer
        </button>
      </div>
    </AdminForm>
  );
}

function AdminsOnly({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.role === "admin") return children;
  return (
    <section className="empty">
      <h1>Admins only</h1>
      <p>
        Admins set up schedules. <Link to="/oncall">Back to on call</Link>
      </p>
    </section>
  );
}

/** `/oncall/schedules/new`. */
export function NewSchedulePage() {
  const staff = useLoaded(activeStaff);
  const initial = useMemo<ScheduleDraft>(
    () => ({
      name: "",
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      layers: [newLayer(localToday())],
      supportLeadId: "",
    }),
    [],
  );
  return (
    <AdminsOnly>
      <p className="crumbs">
        <Link to="/oncall">On call</Link>
      </p>
      <h1>New on-call schedule</h1>
      {staff.value ? (
        <ScheduleForm schedule={null} initial={initial} staff={staff.value} />
      ) : (
        <LoadState error={staff.error} what="The team" />
      )}
    </AdminsOnly>
  );
}

/** `/oncall/schedules/:id/edit`. */
export function EditSchedulePage() {
  const { id = "" } = useParams();
  const loaded = useLoaded(async () => {
    const [schedule, staff] = await Promise.all([
      api<ScheduleView>("GET", `/oncall/schedules/${id}`),
      activeStaff(),
    ]);
    return { schedule, staff };
  }, [id]);
  return (
    <AdminsOnly>
      <p className="crumbs">
        <Link to="/oncall">On call</Link>
        {loaded.value && (
          <>
            {" › "}
            <Link to={`/oncall/schedules/${id}`}>{loaded.value.schedule.name}</Link>
          </>
        )}
      </p>
      <h1>Edit on-call schedule</h1>
      {loaded.value ? (
        <ScheduleForm
          schedule={loaded.value.schedule}
          initial={draftOfSchedule(loaded.value.schedule)}
          staff={loaded.value.staff}
        />
      ) : (
        <LoadState error={loaded.error} what="The schedule" />
      )}
    </AdminsOnly>
  );
}
