/** Region and credentials for SDK clients in tests: nothing here can reach AWS (clients are mocked or point at 127.0.0.1). */
export const FAKE_AWS = { region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } } as const;
