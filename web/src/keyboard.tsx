import { useEffect, useRef } from "react";

/** Every shortcut the workspace has, for the `?` list. */
export const shortcutList: { keys: string; does: string }[] = [
  { keys: "j / k", does: "Next / previous ticket in a list" },
  { keys: "Enter", does: "Open the selected ticket" },
  { keys: "r", does: "Write a public reply" },
  { keys: "n", does: "Write an internal note" },
  { keys: "?", does: "Show this list" },
  { keys: "Esc", does: "Close a dialog" },
];

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * Single-key shortcuts, ignored while the agent types in a field or holds a modifier (so browser
 * and screen reader shortcuts keep working).
 */
export function useShortcuts(handlers: Record<string, (event: KeyboardEvent) => void>) {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (typingInto(event.target)) return;
      const handler = latest.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler(event);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
