/** The test customers' Cognito subs, shared by the customer API's tests. */
export const ANA = "0a1b2c3d-0000-4000-8000-00000000a0a0";
export const BEN = "0b1c2d3e-0000-4000-8000-00000000b0b0";
/** A customer who signed up but has no profile yet. */
export const NEW = "0c1d2e3f-0000-4000-8000-00000000c0c0";
