// The JSON Schema of the routing test format (*.routing.test.yaml), for
// editors; `monac schema` writes it as schemas/routing-test.schema.json next to
// the spec schemas. It states what test-file.ts accepts; the parser stays the
// authority (it also checks what a schema cannot, e.g. that `at` is a real time).

export const ROUTING_TEST_SCHEMA_FILE = "routing-test.schema.json";

export const ROUTING_TEST_JSON_SCHEMA = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://monac.dev/schemas/routing-test.schema.json",
  "title": "monac Alertmanager routing test file (*.routing.test.yaml)",
  "description": "Alerts and what Alertmanager must do with each: the receivers it reaches, whether firing alerts inhibit it, whether a time interval mutes it at a time. Run with `monac test`. Hand-written; see the README's \"Routing tests\".",
  "type": "object",
  "properties": {
    "config": {
      "type": "string",
      "minLength": 1,
      "description": "The Alertmanager configuration file, relative to this file."
    },
    "cases": {
      "type": "array",
      "items": {
        "$ref": "#/$defs/case"
      }
    }
  },
  "required": [
    "config",
    "cases"
  ],
  "additionalProperties": false,
  "$defs": {
    "labels": {
      "type": "object",
      "propertyNames": {
        "pattern": "^[a-zA-Z_][a-zA-Z0-9_]*$"
      },
      "additionalProperties": {
        "type": [
          "string",
          "number",
          "boolean"
        ]
      },
      "description": "Label names to values; an empty value is no label."
    },
    "case": {
      "type": "object",
      "properties": {
        "name": {
          "type": "string",
          "minLength": 1,
          "description": "Unique in the file; `monac test --run REGEX` selects cases by name."
        },
        "alert": {
          "$ref": "#/$defs/labels",
          "description": "The alert's labels."
        },
        "at": {
          "type": "string",
          "pattern": "^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$",
          "description": "RFC 3339 time at which `muted` is checked."
        },
        "firing": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/labels"
          },
          "description": "Other alerts firing at the same time (sources for inhibit rules)."
        },
        "receivers": {
          "type": "array",
          "items": {
            "type": "string"
          },
          "description": "The receivers the alert reaches (as `amtool config routes test` prints them; order does not matter)."
        },
        "inhibited": {
          "type": "boolean",
          "description": "Whether an inhibit rule mutes the alert, given `firing`."
        },
        "muted": {
          "type": "boolean",
          "description": "Whether every route the alert takes is muted at `at` by its mute or active time intervals."
        }
      },
      "required": [
        "name",
        "alert"
      ],
      "anyOf": [
        {
          "required": [
            "receivers"
          ]
        },
        {
          "required": [
            "inhibited"
          ]
        },
        {
          "required": [
            "muted"
          ]
        }
      ],
      "dependentRequired": {
        "muted": [
          "at"
        ]
      },
      "additionalProperties": false
    }
  }
} as const;
