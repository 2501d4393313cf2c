import type { TicketListFilter } from "../tickets/read-tickets.js";
import { type ViewDefinition, viewQueryString } from "./view-definitions.js";

export interface ViewView {
  id: string;
  name: string;
  builtIn: boolean;
  /** The URL query for GET /api/v1/tickets that lists this view. */
  query: string;
  filter: TicketListFilter;
  count: number;
  /** There are more than `count`: a queue shows "1000+". */
  countCapped: boolean;
}

export function presentView(view: ViewDefinition, counted: { count: number; capped: boolean }): ViewView {
  return {
    id: view.id,
    name: view.name,
    builtIn: view.builtIn,
    query: viewQueryString(view.filter),
    filter: view.filter,
    count: counted.count,
    countCapped: counted.capped,
  };
}
