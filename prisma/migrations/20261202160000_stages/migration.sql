-- Shared stages (issue 11): a trial is a path through content-addressed stage results (retrained model ->
-- compressed model -> simulation per hardware), each computed once and reused by every trial that needs it;
-- trial_stages records which results a trial used and whether it computed them. Strategies that decide as they
-- go (pruners, adaptive samplers) keep their decisions in search_events; a trial a pruner stopped is PRUNED.
-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'PRUNED';

-- AlterTable
ALTER TABLE "trials" ADD COLUMN     "stopped_epoch" INTEGER,
ADD COLUMN     "stopped_rung" INTEGER;

-- CreateTable
CREATE TABLE "stages" (
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "inputs" JSONB NOT NULL,
    "epochs_done" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "error" TEXT,
    "computed_by" TEXT,
    "sweep_id" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),

    CONSTRAINT "stages_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "trial_stages" (
    "trial_id" TEXT NOT NULL,
    "stage_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "accelerator" TEXT,
    "computed" BOOLEAN,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trial_stages_pkey" PRIMARY KEY ("trial_id","stage_key")
);

-- CreateTable
CREATE TABLE "search_events" (
    "id" SERIAL NOT NULL,
    "sweep_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "trial" INTEGER NOT NULL,
    "trial_id" TEXT,
    "candidate" INTEGER,
    "generation" INTEGER,
    "step" INTEGER,
    "value" DOUBLE PRECISION,
    "stop" BOOLEAN,
    "rungs" INTEGER[],
    "state" TEXT,
    "values" JSONB,
    "dedupe" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "search_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "stages_kind_status_idx" ON "stages"("kind", "status");

-- CreateIndex
CREATE INDEX "trial_stages_stage_key_idx" ON "trial_stages"("stage_key");

-- CreateIndex
CREATE INDEX "search_events_trial_id_idx" ON "search_events"("trial_id");

-- CreateIndex
CREATE UNIQUE INDEX "search_events_sweep_id_seq_key" ON "search_events"("sweep_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "search_events_sweep_id_dedupe_key" ON "search_events"("sweep_id", "dedupe");

-- AddForeignKey
ALTER TABLE "trial_stages" ADD CONSTRAINT "trial_stages_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trial_stages" ADD CONSTRAINT "trial_stages_stage_key_fkey" FOREIGN KEY ("stage_key") REFERENCES "stages"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "search_events" ADD CONSTRAINT "search_events_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

