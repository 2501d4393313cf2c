import { useEffect, useState } from "react";
import type { GroupView } from "../../src/modules/identity/manage-groups.js";
import { api, type Page, type PersonView } from "./api.js";

export interface StaffDirectory {
  groups: GroupView[];
  staff: PersonView[];
  error: string | null;
}

/** Groups and the people who can take tickets, for the side panel's selects and the timeline's names. */
export function useStaffDirectory(): StaffDirectory {
  const [directory, setDirectory] = useState<StaffDirectory>({ groups: [], staff: [], error: null });
  useEffect(() => {
    Promise.all([
      api<GroupView[]>("GET", "/groups"),
      api<Page<PersonView>>("GET", "/people?role=agent&limit=200"),
      api<Page<PersonView>>("GET", "/people?role=admin&limit=200"),
    ])
      .then(([groups, agents, admins]) =>
        setDirectory({
          groups,
          staff: [...agents.items, ...admins.items].sort((a, b) => a.name.localeCompare(b.name)),
          error: null,
        }),
      )
      .catch((caught: Error) => setDirectory({ groups: [], staff: [], error: caught.message }));
  }, []);
  return directory;
}
