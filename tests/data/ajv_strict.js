// Compile every schema in a folder with Ajv in strict mode (draft 2020-12); used by tests/test_schema.py.
const Ajv2020 = require("ajv/dist/2020"); const addFormats = require("ajv-formats");
const fs = require("fs"); const path = require("path");
const dir = process.argv[2];
const ajv = new Ajv2020({strict: true, allErrors: true}); addFormats(ajv);
const files = fs.readdirSync(dir).filter(f => f.endsWith(".json"));
for (const f of files) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f))));
for (const f of files) { const s = JSON.parse(fs.readFileSync(path.join(dir, f))); ajv.getSchema(s["$id"]); }
console.log("compiled", files.length);
