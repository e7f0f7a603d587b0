// Demo connections of the local sandbox (npm start, npm run sandbox). Not secrets: sandbox-only.
export const DEMO_CONNECTIONS = [
  { id: 'demo-sap', system: 'sap', token: 'sandbox-token-sap', tokenEnv: 'MAKINI_TOKEN_DEMO_SAP' },
  { id: 'demo-dynamics', system: 'dynamics', token: 'sandbox-token-dynamics', tokenEnv: 'MAKINI_TOKEN_DEMO_DYNAMICS' },
  { id: 'demo-emaint', system: 'emaint', token: 'sandbox-token-emaint', tokenEnv: 'MAKINI_TOKEN_DEMO_EMAINT' },
  { id: 'demo-maintainx', system: 'maintain-x', token: 'sandbox-token-maintainx', tokenEnv: 'MAKINI_TOKEN_DEMO_MAINTAINX' },
];
