/**
 * A labelled set for a three-specialist team (IT, HR, billing), written for the routing tests (none
 * of these sentences appear in a description): what the pre-route must send where, or leave alone.
 */
export const SPECIALISTS = {
  it: "IT helpdesk: laptops, passwords, VPN, Wi-Fi, e-mail and software installation problems; computer accounts and access to systems.",
  hr: "HR: holidays and leave, sick days, parental leave, benefits, pensions, salary slips, hiring, onboarding and workplace policies.",
  billing: "Billing: customer invoices, payments, refunds, credit notes, prices and subscription charges.",
} as const;
export type Label = keyof typeof SPECIALISTS;

export const LABELLED: [string, Label][] = [
  ["My laptop won't turn on after the update", "it"],
  ["I forgot my password and I'm locked out", "it"],
  ["The VPN keeps disconnecting when I work from home", "it"],
  ["Outlook is not syncing my e-mail", "it"],
  ["Can you install Photoshop on my computer?", "it"],
  ["The office Wi-Fi is really slow today", "it"],
  ["I need access to the shared drive for the finance folder", "it"],
  ["My second monitor is not detected", "it"],
  ["The printer on floor 3 says paper jam but there is none", "it"],
  ["How do I set up two-factor authentication on my phone?", "it"],
  ["How many vacation days do I have left this year?", "hr"],
  ["I'm sick today, how do I report it?", "hr"],
  ["What is our parental leave policy?", "hr"],
  ["When will I receive my payslip?", "hr"],
  ["How do I enrol in the company pension plan?", "hr"],
  ["We want to hire a new designer, what is the process?", "hr"],
  ["Is there a policy on working from abroad?", "hr"],
  ["My new colleague starts Monday, what does onboarding involve?", "hr"],
  ["Can I carry over unused holiday to next year?", "hr"],
  ["Do we get a gym membership as a benefit?", "hr"],
  ["The customer says invoice 4411 was charged twice", "billing"],
  ["A client wants a refund for last month", "billing"],
  ["Please issue a credit note for the cancelled order", "billing"],
  ["Why did the subscription price go up?", "billing"],
  ["The customer's card payment was declined", "billing"],
  ["Can we send the invoice to a different billing address?", "billing"],
  ["How much does the premium plan cost per seat?", "billing"],
  ["The client paid by bank transfer but it isn't showing", "billing"],
  ["Resend last quarter's invoices to Acme Corp", "billing"],
  ["The customer was charged after cancelling", "billing"],
];
