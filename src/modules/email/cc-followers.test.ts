import { describe, expect, it } from "vitest";
import { followersFromRecipients, maxFollowersPerMessage } from "./cc-followers.js";

const rules = {
  supportAddresses: ["support@tend.test"],
  sender: "pat@acme.example",
  requester: "pat@acme.example",
};

describe("followers from a message's To and Cc", () => {
  it("keeps the other people, once each, with their names", () => {
    expect(
      followersFromRecipients(
        [
          { address: "support@tend.test", name: "Support" },
          { address: "carol@acme.example", name: "Carol" },
          { address: "CAROL@acme.example", name: "Carol again" },
          { address: "dan@partner.example", name: null },
        ],
        rules,
      ),
    ).toEqual([
      { address: "carol@acme.example", name: "Carol" },
      { address: "dan@partner.example", name: null },
    ]);
  });

  it("leaves out the support addresses and their plus-addresses, the sender, the requester and mail systems", () => {
    expect(
      followersFromRecipients(
        [
          { address: "support+42@tend.test", name: null },
          { address: "support+billing@tend.test", name: null },
          { address: "pat@acme.example", name: "Pat" },
          { address: "agent@acme.example", name: "Forwarding agent" },
          { address: "postmaster@acme.example", name: null },
          { address: "mailer-daemon@acme.example", name: null },
        ],
        { ...rules, sender: "agent@acme.example" },
      ),
    ).toEqual([]);
  });

  it("takes at most a bounded number from a message naming thousands", () => {
    const crowd = Array.from({ length: 10_000 }, (_, index) => ({
      address: `person${index}@crowd.example`,
      name: null,
    }));
    const followers = followersFromRecipients(crowd, rules);
    expect(followers).toHaveLength(maxFollowersPerMessage);
    expect(followers[0]?.address).toBe("person0@crowd.example");
  });
});
