import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { findOrCreateCustomer } from "./manage-people.js";

const desk = useTestDesk();

describe("the customer behind an address", () => {
  it("is the one stored, however the address is written", async () => {
    const organization = await desk.makeOrganization();
    const known = await desk.makeCustomer(organization.id);
    const written = `  ${known.email.toUpperCase()} `;
    const found = await findOrCreateCustomer(desk.system, written, "Someone Else");
    expect(found.id).toBe(known.id);
  });

  it("is created once, with the address as it is stored and the organization of its domain", async () => {
    const organization = await desk.makeOrganization();
    const address = `Pat.${desk.unique()}@${organization.domain}`;
    const created = await findOrCreateCustomer(desk.system, ` ${address}`, undefined);
    expect(created).toMatchObject({
      email: address.toLowerCase(),
      name: address.slice(0, address.indexOf("@")),
      role: "customer",
      organization_id: organization.id,
    });
    expect((await findOrCreateCustomer(desk.system, address, "Pat")).id).toBe(created.id);
  });
});
