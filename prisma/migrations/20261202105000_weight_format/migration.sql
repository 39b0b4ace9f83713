-- Power-of-two weights (INQ / GSNQ) are a swept axis: how each trial's quantized weights are written, typed.
-- weight_format: 'fixed' or 'pow2' for quantized weights, NULL for float weights (weight_bits = 32);
-- pow2_sign_based: GSNQ's separate ranges for positive and negative weights (true) or INQ's one range (false).
-- Only columns on "trials" (no view change), so this applies in any order with the other migrations.

-- AlterTable
ALTER TABLE "trials" ADD COLUMN     "pow2_sign_based" BOOLEAN,
ADD COLUMN     "weight_format" TEXT;

-- Backfill: trials stored before this column had fixed-point weights whenever they were quantized.
UPDATE "trials" SET "weight_format" = COALESCE(config->>'weightFormat', CASE WHEN "weight_bits" < 32 THEN 'fixed' END),
                    "pow2_sign_based" = (config->>'pow2SignBased')::boolean;
