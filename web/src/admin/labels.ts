import type { TicketView } from "../api.js";

export const channelNames: Record<TicketView["channel"], string> = {
  email: "Email",
  chat: "Chat",
  portal: "Portal",
  api: "API",
  phone: "Phone",
};
