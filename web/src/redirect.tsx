import { useLayoutEffect } from "react";
import { useLocation, useNavigate } from "react-router";

/**
 * react-router's `<Navigate replace>`, made safe against a click. `<Navigate>` redirects from a
 * passive effect, and Chromium runs a pending click before that effect when the machine is busy: a
 * link clicked as the page appeared was then replaced by the redirect a moment later (seen in the
 * browser tests on CI). A layout effect runs with the render; and the redirect happens only while
 * the address is still the one it was rendered for, never away from a page someone has since opened.
 */
export function Redirect({ to }: { to: string }) {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  useLayoutEffect(() => {
    if (window.location.pathname === pathname) navigate(to, { replace: true });
  }, [navigate, pathname, to]);
  return null;
}
